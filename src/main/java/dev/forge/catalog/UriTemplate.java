package dev.forge.catalog;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Matches concrete URIs against an RFC 6570 template, enough to tell which upstream a resource URI belongs to. */
final class UriTemplate {

    private static final Pattern EXPRESSION = Pattern.compile("\\{([+#./;?&]?)([^}]*)}");

    private final Pattern pattern;

    UriTemplate(String template) {
        StringBuilder regex = new StringBuilder("^");
        Matcher m = EXPRESSION.matcher(template);
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(template.substring(last, m.start())));
            regex.append(switch (m.group(1)) {
                case "+", "#" -> ".*";                 // reserved expansion may contain slashes
                case "?", "&" -> "(?:[?&][^#]*)?";     // query parts are optional
                case "/" -> "(?:/[^?#]*)?";
                default -> "[^/?#]*";
            });
            last = m.end();
        }
        regex.append(Pattern.quote(template.substring(last))).append('$');
        this.pattern = Pattern.compile(regex.toString());
    }

    boolean matches(String uri) {
        return pattern.matcher(uri).matches();
    }
}
