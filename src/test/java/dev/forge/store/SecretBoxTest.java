package dev.forge.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forge.protocol.Json;
import dev.forge.support.FirstFormatSeal;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class SecretBoxTest {

    static final String KEY = "a-key-that-is-long-enough-0123456789";
    static final String OTHER_KEY = "another-key-long-enough-0123456789";
    static final SecretOwner GATEWAY = SecretOwner.gateway("6f1c2a36-0d59-4a0e-9d43-5b1b1f3a0001", "github");

    static ObjectNode spec() {
        return (ObjectNode) Json.parse("{\"url\":\"http://h/mcp\",\"headers\":{\"Authorization\":\"Bearer s3cret\"},\"env\":{\"KEY\":\"v\"}}");
    }

    @Test
    void credentialsAreSealedWithAesGcmAndOpenedWithTheSameKey() {
        SecretBox box = SecretBox.of(KEY, false);
        ObjectNode sealed = box.seal(spec(), GATEWAY);
        assertThat(sealed.at("/headers/Authorization").asString()).startsWith("enc:v2:").doesNotContain("s3cret");
        assertThat(sealed.at("/env/KEY").asString()).startsWith("enc:v2:");
        assertThat(sealed.at("/url").asString()).isEqualTo("http://h/mcp");
        assertThat(box.seal(spec(), GATEWAY).at("/headers/Authorization").asString()).isNotEqualTo(sealed.at("/headers/Authorization").asString());
        assertThat(box.open(sealed, GATEWAY)).isEqualTo(spec());
    }

    @Test
    void aValueSealedForOneRecordOrFieldDoesNotOpenInAnother() {
        SecretBox box = SecretBox.of(KEY, false);
        ObjectNode sealed = box.seal(spec(), GATEWAY);
        SecretOwner other = SecretOwner.gateway("6f1c2a36-0d59-4a0e-9d43-5b1b1f3a0002", "gitlab");
        assertThatThrownBy(() -> box.open(sealed, other)).isInstanceOf(SecretsException.class)
                .hasMessageContaining("gateways/6f1c2a36-0d59-4a0e-9d43-5b1b1f3a0002/headers/Authorization (gateway 'gitlab')")
                .hasMessageContaining("copied here from another record or field");
        assertThatThrownBy(() -> box.open(sealed, SecretOwner.restTool(GATEWAY.id(), "github")))
                .hasMessageContaining("rest_tools/" + GATEWAY.id() + "/headers/Authorization");

        ObjectNode moved = sealed.deepCopy();
        moved.withObject("/env").put("KEY", sealed.at("/headers/Authorization").asString());
        assertThatThrownBy(() -> box.open(moved, GATEWAY)).hasMessageStartingWith("gateways/" + GATEWAY.id() + "/env/KEY (gateway 'github')")
                .hasMessageNotContaining("s3cret").hasMessageNotContaining(sealed.at("/headers/Authorization").asString());
    }

    @Test
    void renamingTheRecordKeepsItsValuesReadable() {
        SecretBox box = SecretBox.of(KEY, false);
        ObjectNode sealed = box.seal(spec(), GATEWAY);
        assertThat(box.open(sealed, SecretOwner.gateway(GATEWAY.id(), "renamed"))).isEqualTo(spec());
    }

    @Test
    void aDifferentOrMissingKeyCannotReadThemAndSaysSo() {
        ObjectNode sealed = SecretBox.of(KEY, false).seal(spec(), GATEWAY);
        assertThatThrownBy(() -> SecretBox.of(OTHER_KEY, false).open(sealed, GATEWAY))
                .hasMessageContaining("headers/Authorization").hasMessageContaining("cannot be opened with FORGE_ENCRYPTION_KEY (");
        assertThatThrownBy(() -> SecretBox.of(null, false).open(sealed, GATEWAY)).hasMessageContaining("FORGE_ENCRYPTION_KEY is not set");
    }

    @Test
    void valuesSealedWithThePreviousKeyStillOpen() {
        ObjectNode sealed = SecretBox.of(KEY, false).seal(spec(), GATEWAY);
        assertThat(SecretBox.of(OTHER_KEY, KEY, false).open(sealed, GATEWAY)).isEqualTo(spec());
        assertThatThrownBy(() -> SecretBox.of(OTHER_KEY, "a-third-key-long-enough-0123456789", false).open(sealed, GATEWAY))
                .hasMessageContaining("cannot be opened with FORGE_ENCRYPTION_KEY or FORGE_ENCRYPTION_KEY_PREVIOUS");
    }

    @Test
    void theFirstFormatIsStillReadWithTheCurrentOrThePreviousKey() {
        ObjectNode old = spec();
        old.withObject("/headers").put("Authorization", FirstFormatSeal.seal(KEY, "Bearer s3cret"));
        assertThat(SecretBox.of(KEY, false).open(old, GATEWAY)).isEqualTo(spec());
        assertThat(SecretBox.of(OTHER_KEY, KEY, false).open(old, GATEWAY)).isEqualTo(spec());
        assertThatThrownBy(() -> SecretBox.of(OTHER_KEY, false).open(old, GATEWAY))
                .hasMessageContaining("headers/Authorization").hasMessageContaining("(was the key changed?)");
    }

    @Test
    void resealingBringsEveryValueToTheCurrentFormatAndKeyAndThenChangesNothing() {
        ObjectNode stored = SecretBox.of(KEY, false).seal(spec(), GATEWAY);
        stored.withObject("/env").put("OLD", FirstFormatSeal.seal(KEY, "first"));
        stored.withObject("/env").put("PLAIN", "in the clear");
        SecretBox rotated = SecretBox.of(OTHER_KEY, KEY, false);

        SecretBox.Resealed once = rotated.reseal(stored, GATEWAY);
        assertThat(once).extracting(SecretBox.Resealed::resealed, SecretBox.Resealed::sealed, SecretBox.Resealed::current)
                .containsExactly(3, 1, 0);
        assertThat(once.spec().at("/env/OLD").asString()).startsWith("enc:v2:");
        assertThat(once.spec().at("/env/PLAIN").asString()).startsWith("enc:v2:");
        ObjectNode opened = SecretBox.of(OTHER_KEY, false).open(once.spec(), GATEWAY);
        assertThat(opened.at("/env/OLD").asString()).isEqualTo("first");
        assertThat(opened.at("/env/PLAIN").asString()).isEqualTo("in the clear");
        assertThat(opened.at("/headers/Authorization").asString()).isEqualTo("Bearer s3cret");

        SecretBox.Resealed twice = rotated.reseal(once.spec(), GATEWAY);
        assertThat(twice.changed()).isFalse();
        assertThat(twice.current()).isEqualTo(4);
        assertThat(twice.spec()).isSameAs(once.spec());
    }

    @Test
    void aValueThatLooksSealedIsSealedAgainRatherThanTrusted() {
        SecretBox box = SecretBox.of(KEY, false);
        String foreign = box.seal(spec(), SecretOwner.gateway("someone-else", "x")).at("/headers/Authorization").asString();
        ObjectNode given = spec();
        given.withObject("/headers").put("Authorization", foreign);
        ObjectNode sealed = box.seal(given, GATEWAY);
        assertThat(sealed.at("/headers/Authorization").asString()).isNotEqualTo(foreign);
        assertThat(box.open(sealed, GATEWAY).at("/headers/Authorization").asString()).isEqualTo(foreign);
    }

    @Test
    void withoutAKeyDevelopmentStoresPlainValuesAndProductionRefuses() {
        assertThat(SecretBox.of(null, false).seal(spec(), GATEWAY)).isEqualTo(spec());
        assertThatThrownBy(() -> SecretBox.of(null, true).seal(spec(), GATEWAY)).isInstanceOf(SecretsException.class)
                .hasMessageContaining("FORGE_ENCRYPTION_KEY");
        ObjectNode noSecrets = (ObjectNode) Json.parse("{\"command\":[\"x\"]}");
        assertThat(SecretBox.of(null, true).seal(noSecrets, GATEWAY)).isEqualTo(noSecrets);
    }
}
