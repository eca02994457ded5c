package dev.forge.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UrlOriginTest {

    @Test
    void anOriginIsTheSchemeHostAndPortLowerCasedWithTheDefaultPortWrittenOut() {
        assertThat(UrlOrigin.of("https://API.Example.com/mcp?key=1#top")).isEqualTo("https://api.example.com:443");
        assertThat(UrlOrigin.of("HTTPS://api.example.com:443/v2/mcp")).isEqualTo("https://api.example.com:443");
        assertThat(UrlOrigin.of("http://127.0.0.1:8080")).isEqualTo("http://127.0.0.1:8080");
        assertThat(UrlOrigin.of("http://127.0.0.1:/mcp")).isEqualTo("http://127.0.0.1:80");
        assertThat(UrlOrigin.of("http://[::1]/mcp")).isEqualTo("http://[::1]:80");
        assertThat(UrlOrigin.of("http://[::1]:9000/mcp")).isEqualTo("http://[::1]:9000");
    }

    @Test
    void theUserPartIsNotPartOfTheOriginButTheHostAfterItIs() {
        assertThat(UrlOrigin.of("https://user:pa55@api.example.com/mcp")).isEqualTo("https://api.example.com:443");
        assertThat(UrlOrigin.of("https://api.example.com@collector.example.net/mcp")).isEqualTo("https://collector.example.net:443");
        assertThat(UrlOrigin.of("https://collector.example.net#@api.example.com")).isEqualTo("https://collector.example.net:443");
        assertThat(UrlOrigin.of("https://collector.example.net?@api.example.com")).isEqualTo("https://collector.example.net:443");
    }

    @Test
    void aRestToolsTemplateHasAnOriginTooAndTextThatIsNoUrlIsItsOwn() {
        assertThat(UrlOrigin.of("https://{region}.example.com/items/{id}")).isEqualTo("https://{region}.example.com:443");
        assertThat(UrlOrigin.of("not a url")).isEqualTo("not a url");
        assertThat(UrlOrigin.of(null)).isNull();
    }
}
