package org.mirrortunnel.app.cli;

import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.mirrortunnel.app.api.Direction;
import org.onosproject.cli.AbstractChoicesCompleter;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Completes directions.
 */
@Service
public class DirectionCompleter extends AbstractChoicesCompleter {
    @Override
    protected List<String> choices() {
        return Arrays.stream(Direction.values()).map(d -> d.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.toList());
    }
}
