package dev.forge.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forge.protocol.Json;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class SecretBoxTest {

    static ObjectNode spec() {
        return (ObjectNode) Json.parse("{\"url\":\"http://h/mcp\",\"headers\":{\"Authorization\":\"Bearer s3cret\"},\"env\":{\"KEY\":\"v\"}}");
    }

    @Test
    void credentialsAreSealedWithAesGcmAndOpenedWithTheSameKey() {
        SecretBox box = SecretBox.of("a-key-that-is-long-enough-0123456789", false);
        ObjectNode sealed = box.seal(spec());
        assertThat(sealed.at("/headers/Authorization").asString()).startsWith("enc:v1:").doesNotContain("s3cret");
        assertThat(sealed.at("/env/KEY").asString()).startsWith("enc:v1:");
        assertThat(sealed.at("/url").asString()).isEqualTo("http://h/mcp");
        assertThat(box.seal(spec()).at("/headers/Authorization").asString()).isNotEqualTo(sealed.at("/headers/Authorization").asString());
        assertThat(box.open(sealed)).isEqualTo(spec());
    }

    @Test
    void aDifferentOrMissingKeyCannotReadThemAndSaysSo() {
        ObjectNode sealed = SecretBox.of("a-key-that-is-long-enough-0123456789", false).seal(spec());
        assertThatThrownBy(() -> SecretBox.of("another-key-long-enough-0123456789", false).open(sealed))
                .hasMessageContaining("headers.Authorization").hasMessageContaining("cannot be decrypted");
        assertThatThrownBy(() -> SecretBox.of(null, false).open(sealed)).hasMessageContaining("FORGE_ENCRYPTION_KEY is not set");
    }

    @Test
    void withoutAKeyDevelopmentStoresPlainValuesAndProductionRefuses() {
        assertThat(SecretBox.of(null, false).seal(spec())).isEqualTo(spec());
        assertThatThrownBy(() -> SecretBox.of(null, true).seal(spec())).isInstanceOf(SecretsException.class)
                .hasMessageContaining("FORGE_ENCRYPTION_KEY");
        ObjectNode noSecrets = (ObjectNode) Json.parse("{\"command\":[\"x\"]}");
        assertThat(SecretBox.of(null, true).seal(noSecrets)).isEqualTo(noSecrets);
    }
}
