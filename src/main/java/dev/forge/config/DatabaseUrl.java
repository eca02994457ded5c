package dev.forge.config;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * A {@code DATABASE_URL} as the deployment guide writes it, turned into JDBC terms:
 * {@code sqlite:////data/mcp.db} (absolute), {@code sqlite:///./mcp.db} (relative),
 * {@code postgresql://user:pass@host:5432/db} (also {@code postgres://} and {@code postgresql+driver://}).
 */
public record DatabaseUrl(Kind kind, String jdbcUrl, String user, String password) {

    public enum Kind { SQLITE, POSTGRESQL }

    public static DatabaseUrl parse(String where, String value) {
        String url = value.trim();
        if (url.startsWith("sqlite:///")) {
            String path = url.substring("sqlite:///".length());
            if (path.isEmpty()) {
                throw new ConfigException(where + ": '" + value + "' (expected: sqlite:///path/to/file.db)");
            }
            return new DatabaseUrl(Kind.SQLITE, "jdbc:sqlite:" + path, null, null);
        }
        int colon = url.indexOf("://");
        String scheme = colon < 0 ? "" : url.substring(0, colon);
        if (scheme.equals("postgresql") || scheme.equals("postgres") || scheme.startsWith("postgresql+")) {
            URI uri;
            try {
                uri = URI.create("postgresql" + url.substring(colon));
            } catch (IllegalArgumentException e) {
                // the text may be a password with a space or a slash in it: never echoed
                throw new ConfigException(where + ": not a valid URL (expected: postgresql://user:pass@host:5432/db, "
                        + "with characters such as / @ : or spaces in the password percent-encoded)");
            }
            if (uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2) {
                throw new ConfigException(where + ": '" + redacted(value) + "' (expected: postgresql://user:pass@host:5432/db)");
            }
            String user = null;
            String password = null;
            if (uri.getRawUserInfo() != null) {
                String[] parts = uri.getRawUserInfo().split(":", 2);
                user = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
                password = parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : null;
            }
            int port = uri.getPort() < 0 ? 5432 : uri.getPort();
            String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
            return new DatabaseUrl(Kind.POSTGRESQL, "jdbc:postgresql://" + uri.getHost() + ":" + port + uri.getPath() + query,
                    user, password);
        }
        throw new ConfigException(where + ": '" + redacted(value)
                + "' (expected: sqlite:///path/to/file.db or postgresql://user:pass@host:5432/db)");
    }

    static String redacted(String url) {
        return MaskedUrl.of(url);
    }

    @Override
    public String toString() {
        return kind + " " + MaskedUrl.of(jdbcUrl) + (user == null ? "" : " as " + user);
    }
}
