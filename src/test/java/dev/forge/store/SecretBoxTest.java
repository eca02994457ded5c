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
        SecretBox rotated = SecretBox.of(OTHER_KEY, KEY, false);

        SecretBox.Resealed once = rotated.reseal(stored, GATEWAY);
        assertThat(once).extracting(SecretBox.Resealed::resealed, SecretBox.Resealed::sealed, SecretBox.Resealed::current)
                .containsExactly(3, 0, 0);
        assertThat(once.spec().at("/env/OLD").asString()).startsWith("enc:v2:");
        ObjectNode opened = SecretBox.of(OTHER_KEY, false).open(once.spec(), GATEWAY);
        assertThat(opened.at("/env/OLD").asString()).isEqualTo("first");
        assertThat(opened.at("/headers/Authorization").asString()).isEqualTo("Bearer s3cret");

        SecretBox.Resealed twice = rotated.reseal(once.spec(), GATEWAY);
        assertThat(twice.changed()).isFalse();
        assertThat(twice.current()).isEqualTo(3);
        assertThat(twice.spec()).isSameAs(once.spec());
    }

    @Test
    void valuesStoredInTheClearBeforeAKeyWasSetAreSealedByResealing() {
        ObjectNode stored = spec();
        stored.withObject("/env").put("OLD", FirstFormatSeal.seal(KEY, "first")); // the first format bound nothing: no proof
        SecretBox.Resealed once = SecretBox.of(KEY, false).reseal(stored, GATEWAY);
        assertThat(once).extracting(SecretBox.Resealed::resealed, SecretBox.Resealed::sealed, SecretBox.Resealed::current)
                .containsExactly(1, 2, 0);
        assertThat(SecretBox.of(KEY, false).open(once.spec(), GATEWAY).at("/env/KEY").asString()).isEqualTo("v");
    }

    @Test
    void aValueInTheClearBesideSealedOnesIsRefusedRatherThanUsedOrSealed() {
        ObjectNode stored = SecretBox.of(KEY, false).seal((ObjectNode) Json.parse(
                "{\"command\":[\"npx\",\"server\"],\"env\":{\"API_KEY\":\"k3y\"}}"), GATEWAY);
        stored.withObject("/env").put("NODE_OPTIONS", "--require /tmp/collect.js");
        String message = "gateways/" + GATEWAY.id() + "/env/NODE_OPTIONS (gateway 'github'): stored in the clear beside sealed values "
                + "(expected: sealed, as Forge writes every value of a record; was it added to the database directly?)";
        assertThatThrownBy(() -> SecretBox.of(KEY, false).open(stored, GATEWAY)).isInstanceOf(SecretsException.class).hasMessage(message);
        assertThatThrownBy(() -> SecretBox.of(OTHER_KEY, KEY, false).reseal(stored, GATEWAY)).hasMessage(message);
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

    @Test
    void aUrlWithAUserPartOrAQueryIsSealedWholeAndOneWithoutStaysReadable() {
        SecretBox box = SecretBox.of(KEY, false);
        for (String url : java.util.List.of("https://user:pa55@h/mcp", "https://t0ken@h/mcp", "https://h/mcp?api_key=k3y", "https://h/mcp?k3y")) {
            ObjectNode spec = spec().put("url", url);
            ObjectNode sealed = box.seal(spec, GATEWAY);
            assertThat(sealed.get("url").asString()).as(url).startsWith("enc:v2:").doesNotContain("h/mcp");
            assertThat(box.open(sealed, GATEWAY)).as(url).isEqualTo(spec);
        }
        assertThat(box.seal(spec().put("url", "https://h:8443/mcp#part"), GATEWAY).get("url").asString()).isEqualTo("https://h:8443/mcp#part");
    }

    @Test
    void headersAreBoundToTheUrlsOriginAndEnvironmentValuesToTheCommand() {
        SecretBox box = SecretBox.of(KEY, false);
        ObjectNode sealed = box.seal(spec().put("url", "http://h/mcp?api_key=k3y"), GATEWAY);
        ObjectNode elsewhere = sealed.deepCopy().put("url", "http://collector/mcp");
        assertThatThrownBy(() -> box.open(elsewhere, GATEWAY)).hasMessageStartingWith("gateways/" + GATEWAY.id() + "/headers/Authorization")
                .hasMessageEndingWith("or its url/command changed?)");
        ObjectNode samePlace = sealed.deepCopy().put("url", "HTTP://H:80/v2/mcp");
        assertThat(box.open(samePlace, GATEWAY).at("/headers/Authorization").asString()).isEqualTo("Bearer s3cret");

        ObjectNode stdio = (ObjectNode) Json.parse("{\"command\":[\"npx\",\"server\"],\"env\":{\"KEY\":\"v\"}}");
        ObjectNode run = box.seal(stdio, GATEWAY);
        run.putArray("command").add("npx").add("other-server");
        assertThatThrownBy(() -> box.open(run, GATEWAY)).hasMessageStartingWith("gateways/" + GATEWAY.id() + "/env/KEY (gateway 'github')");
    }

    @Test
    void productionWithoutAKeyRefusesAUrlWithCredentialsToo() {
        ObjectNode withKey = (ObjectNode) Json.parse("{\"url\":\"https://h/mcp?api_key=k3y\"}");
        assertThatThrownBy(() -> SecretBox.of(null, true).seal(withKey, GATEWAY)).isInstanceOf(SecretsException.class)
                .hasMessageStartingWith("url: credentials cannot be stored: FORGE_ENCRYPTION_KEY is not set");
        ObjectNode plain = (ObjectNode) Json.parse("{\"url\":\"https://h/mcp\"}");
        assertThat(SecretBox.of(null, true).seal(plain, GATEWAY)).isEqualTo(plain);
        assertThat(SecretBox.of(null, false).seal(withKey, GATEWAY)).isEqualTo(withKey);
    }

    @Test
    void resealingCountsAUrlAsOneValue() {
        ObjectNode stored = SecretBox.of(KEY, false).seal(spec().put("url", "http://h/mcp?api_key=k3y"), GATEWAY);
        SecretBox rotated = SecretBox.of(OTHER_KEY, KEY, false);
        SecretBox.Resealed once = rotated.reseal(stored, GATEWAY);
        assertThat(once).extracting(SecretBox.Resealed::resealed, SecretBox.Resealed::sealed, SecretBox.Resealed::current)
                .containsExactly(3, 0, 0);
        assertThat(SecretBox.of(OTHER_KEY, false).open(once.spec(), GATEWAY)).isEqualTo(spec().put("url", "http://h/mcp?api_key=k3y"));
        SecretBox.Resealed twice = rotated.reseal(once.spec(), GATEWAY);
        assertThat(twice.current()).isEqualTo(3);
        assertThat(twice.spec()).isSameAs(once.spec());
    }
}
