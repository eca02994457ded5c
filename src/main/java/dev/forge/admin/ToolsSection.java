package dev.forge.admin;

import dev.forge.api.ToolSwitch;
import dev.forge.catalog.Catalog;
import dev.forge.catalog.CatalogView;
import dev.forge.catalog.Route;
import dev.forge.catalog.Federation;
import dev.forge.registry.RegistryException;
import dev.forge.upstream.Upstream;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The federated catalog: tools, resources and prompts, searched by name and description, each with the upstream
 * that serves it. Tools are turned off and on here through the same switch as {@code POST /tools/{name}/state}, with
 * the same audit line, and the other replicas are told. Each tool's page lets one try it ({@link ToolTrial}).
 */
public final class ToolsSection {

    /** A tool as the list shows it. {@code href}: its own page. */
    public record ToolRow(String name, String upstream, String description, boolean enabled, String href) {}

    /** A resource as the list shows it. */
    public record ResourceRow(String uri, String name, String upstream, String mimeType, String description) {}

    /** A prompt as the list shows it, its arguments named (a required one marked with {@code *}). */
    public record PromptRow(String name, String upstream, String description, String arguments) {}

    /** The search as the page repeats it: words, an upstream, a state; and how many items matched of how many. */
    public record Search(String query, String upstream, String state, List<String> upstreams, int shown, int total,
                         int tools, int resources, int prompts) {
        public boolean narrowed() {
            return !query.isEmpty() || !upstream.isEmpty() || !state.isEmpty();
        }

        /** The search as a query string ({@code ?q=…}), for the tabs to carry it from one list to the next. */
        public String carried() {
            return query.isEmpty() && upstream.isEmpty() ? "" : "?" + (query.isEmpty() ? "" : "q=" + encoded(query))
                    + (!query.isEmpty() && !upstream.isEmpty() ? "&" : "") + (upstream.isEmpty() ? "" : "upstream=" + encoded(upstream));
        }
    }

    private final Console console;
    private final Federation federation;
    private final ToolSwitch toolSwitch;
    private final RegistryChanges changes;
    private final ToolTrial trial;

    ToolsSection(Console console, Federation federation, ToolSwitch toolSwitch, RegistryChanges changes,
                 ToolTrial trial) {
        this.console = console;
        this.federation = federation;
        this.toolSwitch = toolSwitch;
        this.changes = changes;
        this.trial = trial;
    }

    void routes(RoutesConfig routes) {
        routes.get("/admin/tools", ctx -> tools(ctx, 200, console.page(ctx, "Tools", "tools")));
        routes.get("/admin/resources", this::resources);
        routes.get("/admin/prompts", this::prompts);
        routes.post("/admin/tools/{name}/toggle", console.changing(this::toggle));
        trial.routes(routes);
    }

    private void toggle(Context ctx) {
        String name = ctx.pathParam("name");
        boolean enable = "true".equals(ctx.formParam("enabled"));
        try {
            toolSwitch.set(name, enable);
        } catch (RegistryException e) {
            changes.record(ctx, "POST", "/tools/" + name + "/state", e.status());
            tools(ctx, e.status(), console.page(ctx, "Tools", "tools").withError(e.getMessage()));
            return;
        }
        changes.record(ctx, "POST", "/tools/" + name + "/state", 200); // audited and announced as the API's change is
        String back = ctx.formParam("back");
        Console.redirect(ctx, back != null && back.startsWith("/admin/tools") && !back.contains("//") ? back : "/admin/tools",
                (enable ? "Enabled " : "Disabled ") + "the tool '" + name + "'" + (enable ? ": clients see it again." : ": clients no longer see it."));
    }

    private void tools(Context ctx, int status, Page page) {
        CatalogView view = view();
        List<ToolRow> all = new ArrayList<>();
        for (ObjectNode tool : view.tools()) {
            String name = tool.path("name").asString("");
            Route route = view.tool(name);
            all.add(row(name, route == null ? "" : route.upstream().name(), tool, true));
        }
        for (ObjectNode off : federation.catalog().disabledTools()) {
            String name = off.path("name").asString("");
            all.add(row(name, name.split(Pattern.quote(federation.separator()), 2)[0], off, false));
        }
        all.sort(Comparator.comparing(ToolRow::name));
        Filter filter = new Filter(ctx);
        List<ToolRow> shown = all.stream().filter(t -> filter.matches(t.upstream(), t.name(), t.description())
                && (filter.state.isEmpty() || filter.state.equals(t.enabled() ? "enabled" : "disabled"))).toList();
        Map<String, Object> params = params(page, filter, shown.size(), all.size());
        params.put("tools", shown);
        params.put("back", "/admin/tools" + (ctx.queryString() == null ? "" : "?" + withoutNotice(ctx.queryString())));
        console.render(ctx, status, "tools.jte", params);
    }

    private void resources(Context ctx) {
        CatalogView view = view();
        List<ResourceRow> all = new ArrayList<>();
        for (ObjectNode resource : view.resources()) {
            String uri = resource.path("uri").asString("");
            Upstream owner = view.resourceOwner(uri);
            all.add(new ResourceRow(uri, resource.path("name").asString(""), owner == null ? "" : owner.name(),
                    resource.path("mimeType").asString(""), resource.path("description").asString("")));
        }
        all.sort(Comparator.comparing(ResourceRow::upstream).thenComparing(ResourceRow::uri));
        Filter filter = new Filter(ctx);
        List<ResourceRow> shown = all.stream().filter(r -> filter.matches(r.upstream(), r.uri() + " " + r.name(), r.description()))
                .toList();
        Map<String, Object> params = params(console.page(ctx, "Resources", "tools"), filter, shown.size(), all.size());
        params.put("resources", shown);
        console.render(ctx, 200, "resources.jte", params);
    }

    private void prompts(Context ctx) {
        CatalogView view = view();
        List<PromptRow> all = new ArrayList<>();
        for (ObjectNode prompt : view.prompts()) {
            String name = prompt.path("name").asString("");
            Route route = view.prompt(name);
            List<String> arguments = new ArrayList<>();
            prompt.path("arguments").forEach(a -> arguments.add(a.path("name").asString("") + (a.path("required").asBoolean() ? "*" : "")));
            all.add(new PromptRow(name, route == null ? "" : route.upstream().name(), prompt.path("description").asString(""),
                    String.join(", ", arguments)));
        }
        all.sort(Comparator.comparing(PromptRow::name));
        Filter filter = new Filter(ctx);
        List<PromptRow> shown = all.stream().filter(p -> filter.matches(p.upstream(), p.name(), p.description())).toList();
        Map<String, Object> params = params(console.page(ctx, "Prompts", "tools"), filter, shown.size(), all.size());
        params.put("prompts", shown);
        console.render(ctx, 200, "prompts.jte", params);
    }

    private Map<String, Object> params(Page page, Filter filter, int shown, int total) {
        CatalogView view = view();
        Map<String, Object> params = new HashMap<>();
        params.put("page", page);
        params.put("search", new Search(filter.query, filter.upstream, filter.state,
                federation.upstreams().stream().map(Upstream::name).sorted().toList(), shown, total,
                view.tools().size() + federation.catalog().disabledTools().size(), view.resources().size(), view.prompts().size()));
        return params;
    }

    private ToolRow row(String name, String upstream, JsonNode tool, boolean enabled) {
        return new ToolRow(name, upstream, tool.path("description").asString(""), enabled, href(name));
    }

    /** A tool's own page. */
    static String href(String name) {
        return "/admin/tools/" + encoded(name);
    }

    static String encoded(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private CatalogView view() {
        return federation.catalog().view(Catalog.ALL);
    }

    /** The list's address without the notice of a change just made, to come back to after the next one. */
    private static String withoutNotice(String query) {
        return String.join("&", java.util.Arrays.stream(query.split("&")).filter(p -> !p.startsWith("notice=")
                && !p.startsWith("error=")).toList());
    }

    /**
     * A search: every word must appear in the name or the description (any case); {@code upstream} keeps one
     * upstream's items; {@code state} ({@code enabled}, {@code disabled}) applies to tools.
     */
    private static final class Filter {
        final String query;
        final String upstream;
        final String state;
        private final List<String> words = new ArrayList<>();

        Filter(Context ctx) {
            this.query = blankless(ctx.queryParam("q"));
            this.upstream = blankless(ctx.queryParam("upstream"));
            String wanted = blankless(ctx.queryParam("state"));
            this.state = wanted.equals("enabled") || wanted.equals("disabled") ? wanted : "";
            for (String word : query.toLowerCase(Locale.ROOT).split("\\s+")) {
                if (!word.isEmpty()) {
                    words.add(word);
                }
            }
        }

        boolean matches(String owner, String name, String description) {
            if (!upstream.isEmpty() && !upstream.equals(owner)) {
                return false;
            }
            String text = (name + "\n" + description).toLowerCase(Locale.ROOT);
            return words.stream().allMatch(text::contains);
        }

        private static String blankless(String value) {
            return value == null ? "" : value.trim();
        }
    }
}
