package org.mirrortunnel.app.cli;

import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.mirrortunnel.app.api.TapAt;
import org.onosproject.cli.AbstractChoicesCompleter;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Completes TAP points.
 */
@Service
public class TapAtCompleter extends AbstractChoicesCompleter {
    @Override
    protected List<String> choices() {
        return Arrays.stream(TapAt.values()).map(TapAt::text).collect(Collectors.toList());
    }
}
