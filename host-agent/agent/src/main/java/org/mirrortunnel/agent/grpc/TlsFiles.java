package org.mirrortunnel.agent.grpc;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import java.io.File;
import java.io.IOException;

/**
 * TLS material for both ends: the server requires a client certificate signed by its client CA (mTLS);
 * the client presents its certificate and trusts the CA that signed the server's. Keys are PKCS#8 PEM.
 */
public final class TlsFiles {
    private TlsFiles() {
    }

    public static ServerCredentials server(String cert, String key, String clientCa) throws IOException {
        return TlsServerCredentials.newBuilder().keyManager(new File(cert), new File(key))
                .trustManager(new File(clientCa)).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE).build();
    }

    public static ServerCredentials plaintextServer() {
        return InsecureServerCredentials.create();
    }

    /** Client credentials; cert and key may be null (a client without a certificate, which the agent refuses). */
    public static ChannelCredentials client(String ca, String cert, String key) throws IOException {
        TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder().trustManager(new File(ca));
        if (cert != null && !cert.isEmpty() && key != null && !key.isEmpty()) {
            b.keyManager(new File(cert), new File(key));
        }
        return b.build();
    }

    public static ChannelCredentials plaintextClient() {
        return InsecureChannelCredentials.create();
    }
}
