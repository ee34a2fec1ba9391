package dev.switchboard.server.upstream;

import io.vertx.core.transport.Transport;

/** The same tests on the IoUring transport (the gateway picks io_uring, then epoll, when available). */
class NettyUpstreamClientFlowIoUringTest extends NettyUpstreamClientFlowTest {
    @Override
    Transport transport() {
        return Transport.IO_URING;
    }
}
