package dev.forge.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The test vectors of RFC 5869, appendix A (the SHA-256 cases). */
class HkdfTest {

    static byte[] hex(String text) {
        return HexFormat.of().parseHex(text);
    }

    @Test
    void theBasicTestCaseGivesTheRfcsOutput() {
        byte[] okm = Hkdf.sha256(hex("000102030405060708090a0b0c"), hex("0b".repeat(22)), hex("f0f1f2f3f4f5f6f7f8f9"), 42);
        assertThat(HexFormat.of().formatHex(okm))
                .isEqualTo("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
    }

    @Test
    void anEmptySaltAndInfoGiveTheRfcsOutput() {
        byte[] okm = Hkdf.sha256(new byte[0], hex("0b".repeat(22)), new byte[0], 42);
        assertThat(HexFormat.of().formatHex(okm))
                .isEqualTo("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
    }

    @Test
    void aLengthBeyondWhatHkdfCanExpandIsRefused() {
        assertThatThrownBy(() -> Hkdf.sha256(new byte[1], new byte[1], new byte[0], 255 * 32 + 1))
                .hasMessage("length: 8161 (expected: 1 to 8160)");
    }
}
