package dev.forge.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What Forge shows of URLs and command lines: everything but the credentials they carry. */
class MaskedUrlTest {

    @Test
    void urlsAreMaskedWhereverTheyAreShown() {
        assertThat(MaskedUrl.of("https://user:pa55@host:8443/mcp?api_key=abc&x=1#frag")).isEqualTo("https://user:***@host:8443/mcp?api_key=***&x=***");
        assertThat(MaskedUrl.of("https://ghp_token@host/mcp")).isEqualTo("https://***@host/mcp");
        assertThat(MaskedUrl.of("https://host/mcp")).isEqualTo("https://host/mcp");
        assertThat(MaskedUrl.of("https://host/mcp?opaque")).isEqualTo("https://host/mcp?***");
        assertThat(MaskedUrl.of("https://host/a@b")).isEqualTo("https://host/a@b");
        assertThat(MaskedUrl.of("https://user:pw@host/@scope/pkg")).isEqualTo("https://user:***@host/@scope/pkg");
        assertThat(MaskedUrl.of("https://registry.example/@scope/pkg")).isEqualTo("https://registry.example/@scope/pkg");
        assertThat(MaskedUrl.of("https://host:8080/@scope")).isEqualTo("https://host:8080/@scope");
        assertThat(MaskedUrl.of("redis://:ab/cd+ef@cache:6379")).isEqualTo("redis://:***@cache:6379");
        assertThat(MaskedUrl.of("redis://:p#ss@cache")).isEqualTo("redis://:***@cache");
        assertThat(MaskedUrl.of("https://u:p?ss@host/x")).isEqualTo("https://u:***@host/x");
        assertThat(MaskedUrl.of("http://[::1]:8080/mcp?k=v")).isEqualTo("http://[::1]:8080/mcp?k=***");
        assertThat(MaskedUrl.inText("cannot reach https://u:p@h/mcp?key=s: refused (see http://x/y?t=1)"))
                .isEqualTo("cannot reach https://u:***@h/mcp?key=***: refused (see http://x/y?t=***)");
    }
    @Test
    void aCommandLineIsShownWithoutTheCredentialsItCarries() {
        assertThat(MaskedCommand.of(List.of("npx", "-y", "tavily-mcp", "--api-key", "tvly-123", "--token=abc", "--port", "8080",
                "--url", "https://u:p@h/x?k=v"))).isEqualTo("npx -y tavily-mcp --api-key *** --token=*** --port 8080 --url https://u:***@h/x?k=***");
        assertThat(MaskedCommand.of(List.of("docker", "run", "-i", "-e", "GITHUB_PERSONAL_ACCESS_TOKEN=ghp_1", "mcp/github")))
                .isEqualTo("docker run -i -e GITHUB_PERSONAL_ACCESS_TOKEN=*** mcp/github");
        assertThat(MaskedCommand.of(List.of("proxy", "-H", "Authorization: Bearer sk-1", "--header", "X-Trace: on")))
                .isEqualTo("proxy -H Authorization: *** --header X-Trace: on");
        assertThat(MaskedCommand.of(List.of("sh", "-c", "server --key xyz --private --port 8080")))
                .isEqualTo("sh -c server --key *** --private --port 8080");
    }
}
