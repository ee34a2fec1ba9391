import io.vertx.core.*;
import io.vertx.core.http.*;
import io.vertx.core.transport.Transport;

/** The floor: Vert.x 5 pass-through proxy, one event loop, pooled client, no JSON, no auth, no metrics. */
public class MinimalProxy {
    public static void main(String[] args) {
        Vertx vertx = Vertx.builder().with(new VertxOptions().setEventLoopPoolSize(1)).withTransport(Transport.IO_URING).build();
        vertx.deployVerticle(new VerticleBase() {
            HttpClient client;
            @Override public Future<?> start() {
                client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(1024));
                return vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body ->
                    client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(19001).setURI(req.uri())
                            .putHeader("content-type", "application/json"))
                        .compose(r -> r.send(body))
                        .onComplete(ar -> {
                            if (ar.failed()) { req.response().setStatusCode(502).end(); return; }
                            HttpClientResponse up = ar.result();
                            up.body().onSuccess(b -> req.response().putHeader("content-type", "application/json").end(b));
                        }))).listen(8090, "127.0.0.1");
            }
        });
    }
}
