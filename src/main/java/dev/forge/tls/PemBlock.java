package dev.forge.tls;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code -----BEGIN label-----} … {@code -----END label-----} block of a PEM file: its label, its headers (the
 * old OpenSSL encryption marks {@code Proc-Type} and {@code DEK-Info}) and its decoded bytes. Text around the blocks
 * (the subject lines {@code openssl x509 -text} or a PKCS#12 export print) is ignored.
 */
record PemBlock(String label, boolean encryptedHeaders, byte[] der) {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\R(.*?)-----END \\1-----", Pattern.DOTALL);

    /**
     * Every block of {@code text}, in order.
     *
     * @throws IllegalArgumentException naming the block whose base64 is broken
     */
    static List<PemBlock> all(String text) {
        List<PemBlock> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String label = m.group(1);
            StringBuilder base64 = new StringBuilder();
            boolean encrypted = false;
            for (String line : m.group(2).split("\\R")) {
                if (line.contains(":")) { // an RFC 1421 header such as "Proc-Type: 4,ENCRYPTED"
                    encrypted |= line.startsWith("Proc-Type:") && line.contains("ENCRYPTED") || line.startsWith("DEK-Info:");
                } else {
                    base64.append(line.strip());
                }
            }
            try {
                blocks.add(new PemBlock(label, encrypted, Base64.getDecoder().decode(base64.toString())));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the " + label + " block is not valid base64 (" + e.getMessage() + ")");
            }
        }
        return blocks;
    }
}
