package dev.forge;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The build's version, stamped into a resource at build time. */
public final class Version {

    private static final String VALUE = load();

    private Version() {}

    public static String value() {
        return VALUE;
    }

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream("forge.properties")) {
            if (in == null) {
                return "dev";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "dev");
        } catch (IOException e) {
            return "dev";
        }
    }
}
