package dev.switchboard.server.upstream;

import io.vertx.core.Vertx;
import io.vertx.core.transport.Transport;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A fresh Vert.x on one transport and a client harness per test; subclasses repeat the tests on native transports. */
abstract class ClientTestBase {
    Vertx vertx;
    ClientHarness harness;

    @BeforeEach
    void start() {
        vertx = ClientHarness.vertx(transport());
        harness = new ClientHarness(vertx, NettyUpstreamClient::new);
    }

    /** The transport the client's event loop runs on. */
    Transport transport() {
        return Transport.NIO;
    }

    @AfterEach
    void stop() throws Exception {
        harness.close();
        vertx.close().await(ClientHarness.WAIT_SECONDS, TimeUnit.SECONDS);
    }
}
