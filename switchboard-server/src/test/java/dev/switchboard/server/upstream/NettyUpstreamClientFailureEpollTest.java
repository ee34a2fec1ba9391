package dev.switchboard.server.upstream;

import io.vertx.core.transport.Transport;

/** The same tests on the Epoll transport (the gateway picks io_uring, then epoll, when available). */
class NettyUpstreamClientFailureEpollTest extends NettyUpstreamClientFailureTest {
    @Override
    Transport transport() {
        return Transport.EPOLL;
    }
}
