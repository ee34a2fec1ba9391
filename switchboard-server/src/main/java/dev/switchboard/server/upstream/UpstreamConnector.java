package dev.switchboard.server.upstream;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.net.InetSocketAddress;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * Opens connections on the context's event loop with the client pipeline: [TLS] → HTTP/1.1 response decoder → connection.
 * Requests are written as bytes ({@link UpstreamRequests}), so there is no request encoder.
 */
final class UpstreamConnector {
    private static final int MAX_INITIAL_LINE = 16 * 1024;
    private static final int MAX_HEADERS = 64 * 1024;
    private static final int MAX_CHUNK = 8 * 1024;

    private final Bootstrap bootstrap;
    private SslContext tls;

    UpstreamConnector(ContextInternal context, SslContext tls) {
        VertxInternal vertx = context.owner();
        this.tls = tls;
        this.bootstrap = new Bootstrap()
                .group(context.nettyEventLoop())
                .channelFactory(vertx.transport().channelFactory(false)) // the channel class must match the loop's transport
                .resolver(vertx.nameResolver().nettyAddressResolverGroup()) // non-blocking, unlike the JDK resolver
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT);
    }

    /** Starts connecting; {@code connection} is installed as the last handler before the connect begins. */
    ChannelFuture connect(UpstreamOrigin origin, UpstreamConnection connection, long connectTimeoutMillis) throws SSLException {
        SslContext sslContext = origin.https() ? tls() : null;
        int timeout = (int) Math.min(Integer.MAX_VALUE, Math.max(1, connectTimeoutMillis));
        Bootstrap attempt = bootstrap.clone()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeout)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        connection.bind(channel);
                        ChannelPipeline pipeline = channel.pipeline();
                        if (sslContext != null) {
                            pipeline.addLast(sslHandler(sslContext, channel, origin));
                        }
                        pipeline.addLast(connection.decoder(new UpstreamResponseDecoder(decoderConfig())));
                        pipeline.addLast(connection);
                    }
                });
        return attempt.connect(InetSocketAddress.createUnresolved(origin.host(), origin.port()));
    }

    private SslContext tls() throws SSLException {
        if (tls == null) {
            tls = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).build();
        }
        return tls;
    }

    private static SslHandler sslHandler(SslContext sslContext, Channel channel, UpstreamOrigin origin) {
        SslHandler handler = sslContext.newHandler(channel.alloc(), origin.host(), origin.port()); // host/port for SNI
        SSLEngine engine = handler.engine();
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(parameters);
        return handler;
    }

    private static HttpDecoderConfig decoderConfig() {
        return new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_INITIAL_LINE)
                .setMaxHeaderSize(MAX_HEADERS)
                .setMaxChunkSize(MAX_CHUNK);
    }
}
