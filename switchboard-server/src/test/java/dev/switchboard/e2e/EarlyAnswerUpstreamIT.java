package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.GatewayFixture;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An upstream may answer before it has read the whole request body (and then stop reading). The connection must not
 * go back to the pool while the body is still being written: the next request would queue behind the unsent bytes
 * (and its answer be read off a desynchronised stream). The next call gets a fresh connection and its own answer.
 */
class EarlyAnswerUpstreamIT {
    static final String ANSWER = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-4o\","
            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"early %d\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}";

    ServerSocket server;
    final AtomicInteger connections = new AtomicInteger();
    final List<Socket> sockets = new CopyOnWriteArrayList<>();
    GatewayFixture gateway;

    @BeforeEach
    void start() throws IOException {
        server = new ServerSocket();
        server.setReceiveBufferSize(64 * 1024); // inherited by accepted sockets: the body cannot all fit in buffers
        server.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        Thread acceptor = new Thread(this::accept, "early-answer-upstream");
        acceptor.setDaemon(true);
        acceptor.start();
        gateway = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1, max_body: 64MiB, drain_timeout: 1s }
                providers:
                  - name: fake
                    type: openai
                    base_url: http://127.0.0.1:%d/v1
                    api_key: k
                    timeouts: { first_byte: 5s }
                models:
                  - { name: smart, target: fake/gpt-4o }
                keys:
                  - { name: tester, key: %s }
                """.formatted(server.getLocalPort(), GatewayFixture.KEY));
    }

    @AfterEach
    void stop() throws IOException {
        gateway.close();
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }

    /** Each connection: read one request head, answer it whole (keep-alive), then never read again. */
    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                sockets.add(s);
                int n = connections.incrementAndGet();
                Thread t = new Thread(() -> answerEarly(s, n), "early-answer-" + n);
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void answerEarly(Socket s, int n) {
        try {
            InputStream in = s.getInputStream();
            int matched = 0;
            byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    return;
                }
                matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            byte[] body = ANSWER.formatted(n).getBytes(StandardCharsets.UTF_8);
            OutputStream out = s.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
        } catch (IOException e) {
            // the gateway closed the connection: fine
        }
    }

    @Test
    void aConnectionWhoseRequestWasNotFullyWrittenIsNotReused() {
        String big = "x".repeat(12 * 1024 * 1024); // more than the socket buffers hold
        HttpResponse<String> first = gateway.post("/v1/chat/completions",
                "{\"model\":\"smart\",\"messages\":[{\"role\":\"user\",\"content\":\"" + big + "\"}]}");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(first.body()).contains("early 1");

        HttpResponse<String> second = gateway.post("/v1/chat/completions",
                "{\"model\":\"smart\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        assertThat(second.body()).contains("early 2");
        assertThat(connections.get()).isEqualTo(2);
    }
}
