package dev.forge.services;

import dev.forge.config.MaskedUrl;
import dev.forge.protocol.Json;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpMethod;

/**
 * A service manager in another process, through its {@code /services} API: what a gateway running apart from its
 * manager asks on its operators' behalf. Reads carry the gateway's own credential (as its {@code RemoteDirectory}
 * does); an action carries one made for the operator who asked, so the manager applies its own rules to them and
 * names them in its state and its audit line.
 */
public final class RemoteServices implements ServiceControl {

    private final URI base;
    private final HttpClient http;
    private final Supplier<String> reading;
    private final Function<String, String> actingAs;
    private final Duration timeout;

    /**
     * @param reading  the bearer token for reads, or null for none
     * @param actingAs the bearer token standing for a subject, for an action it asked for (null: none)
     */
    public RemoteServices(URI managerUrl, HttpClient http, Supplier<String> reading, Function<String, String> actingAs,
                          Duration timeout) {
        this.base = managerUrl;
        this.http = http;
        this.reading = reading;
        this.actingAs = actingAs;
        this.timeout = timeout;
    }

    @Override
    public Answer list() {
        return send(HttpMethod.GET, "/services", reading.get());
    }

    @Override
    public Answer describe(String name) {
        return send(HttpMethod.GET, "/services/" + segment(name), reading.get());
    }

    @Override
    public Answer act(String name, String action, String subject) {
        return send(HttpMethod.POST, "/services/" + segment(name) + "/" + segment(action), actingAs.apply(subject));
    }

    @Override
    public Answer logs(String name, long after, int limit) {
        return send(HttpMethod.GET, "/services/" + segment(name) + "/logs?after=" + after + "&lines=" + limit, reading.get());
    }

    @Override
    public String location() {
        return MaskedUrl.of(base);
    }

    private Answer send(HttpMethod method, String path, String token) {
        try {
            Request request = http.newRequest(base.resolve(path)).method(method).timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (token != null) {
                request.headers(h -> h.put("Authorization", "Bearer " + token));
            }
            ContentResponse response = request.send();
            try {
                return new Answer(response.getStatus(), Json.parse(response.getContent()));
            } catch (RuntimeException notJson) {
                return unreachable("answered HTTP " + response.getStatus() + " without a JSON body");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unreachable("interrupted");
        } catch (Exception e) {
            return unreachable(e.getMessage() == null ? e.getClass().getSimpleName() : MaskedUrl.inText(e.getMessage()));
        }
    }

    private Answer unreachable(String why) {
        return new Answer(502, Json.object().put("error", "unreachable")
                .put("message", "the service manager at " + MaskedUrl.of(base) + " did not answer: " + why));
    }

    private static String segment(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
