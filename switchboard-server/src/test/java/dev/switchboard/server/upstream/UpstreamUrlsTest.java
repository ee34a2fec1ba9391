package dev.switchboard.server.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class UpstreamUrlsTest {
    private final UpstreamUrls urls = new UpstreamUrls();

    @Test
    void splitsHostPortAndPath() {
        UpstreamUrls.Target target = urls.parse("http://api.example.com:8080/v1/chat?stream=true#frag");

        assertThat(target.origin()).isEqualTo(new UpstreamOrigin(false, "api.example.com", 8080, "api.example.com:8080"));
        assertThat(target.pathAndQuery()).isEqualTo("/v1/chat?stream=true");
    }

    @Test
    void defaultPortsStayOutOfTheHostHeader() {
        assertThat(urls.parse("https://api.example.com/v1").origin().hostHeader()).isEqualTo("api.example.com");
        assertThat(urls.parse("https://api.example.com:443/v1").origin().port()).isEqualTo(443);
        assertThat(urls.parse("https://api.example.com:443/v1").origin().hostHeader()).isEqualTo("api.example.com");
        assertThat(urls.parse("http://api.example.com:443/v1").origin().hostHeader()).isEqualTo("api.example.com:443");
    }

    @Test
    void ipv6LiteralIsBareForConnectingAndBracketedInTheHostHeader() {
        UpstreamOrigin origin = urls.parse("http://[::1]:9000/x").origin();

        assertThat(origin.host()).isEqualTo("::1");
        assertThat(origin.hostHeader()).isEqualTo("[::1]:9000");
        assertThat(urls.parse("https://[2001:db8::2]/").origin().hostHeader()).isEqualTo("[2001:db8::2]");
    }

    @Test
    void missingPathBecomesSlash() {
        assertThat(urls.parse("http://h").pathAndQuery()).isEqualTo("/");
        assertThat(urls.parse("http://h?a=1").pathAndQuery()).isEqualTo("/?a=1");
        assertThat(urls.parse("http://h:81?a=1").origin().port()).isEqualTo(81);
    }

    @Test
    void sameBaseSharesOneOrigin() {
        assertThat(urls.parse("https://h/a").origin()).isSameAs(urls.parse("https://h/b").origin());
    }

    @Test
    void rejectsWhatIsNotAnAbsoluteHttpUrl() {
        assertThatThrownBy(() -> urls.parse("ftp://h/")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> urls.parse("http:///path")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> urls.parse("http://h:0/")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> urls.parse("http://h:x/")).isInstanceOf(IllegalArgumentException.class);
    }
}
