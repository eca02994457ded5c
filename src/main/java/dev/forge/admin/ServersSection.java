package dev.forge.admin;

import dev.forge.auth.AccessGuard;
import dev.forge.auth.Principal;
import dev.forge.auth.Scopes;
import dev.forge.auth.TokenService;
import dev.forge.catalog.Catalog;
import dev.forge.catalog.CatalogView;
import dev.forge.catalog.Federation;
import dev.forge.config.ConfigException;
import dev.forge.config.Durations;
import dev.forge.protocol.Json;
import dev.forge.registry.RegistryException;
import dev.forge.registry.ServerRegistry;
import dev.forge.store.ServerRecord;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.node.ObjectNode;

/**
 * Virtual servers: the list with each one's endpoint, composing one by picking tools (and resources and prompts)
 * from the catalog, and a ready configuration for the common clients, with a token that reaches that server's
 * endpoint and nothing else. Changes go through the registry the {@code /servers} API uses, so the same validation
 * and messages, and the same audit line.
 */
public final class ServersSection {

    /** A server as the list shows it. {@code missing}: chosen tools the catalog does not have now. */
    public record ServerRow(String name, String link, String description, int tools, int resources, int prompts,
                            String endpoint, boolean builtIn, String invalid, int missing) {}

    /**
     * Something that can be picked: {@code value} is what is stored (a namespaced name, or a resource's URI),
     * {@code detail} what the catalog says of it, {@code note} why the server would not show it now (or null).
     */
    public record Choice(String value, String detail, boolean chosen, String note) {}

    /** The server being composed, as stored or as the form sent it. */
    public record Draft(String name, String description, List<Choice> tools, List<Choice> resources, List<Choice> prompts) {
        public long chosenTools() {
            return tools.stream().filter(Choice::chosen).count();
        }

        public long chosenResources() {
            return resources.stream().filter(Choice::chosen).count();
        }

        public long chosenPrompts() {
            return prompts.stream().filter(Choice::chosen).count();
        }
    }

    /** One client's configuration: where it goes and what to paste. */
    public record ClientConfig(String key, String client, String file, String hint, String json) {}

    /**
     * A saved server's own part of its page. {@code issuedToken}: the name of the token just issued for it, when the
     * configurations hold that token (shown this once), else null.
     */
    public record Saved(String id, String name, String link, String endpoint, boolean builtIn, String invalid,
                        List<String> missing, List<ClientConfig> configs, String issuedToken, String suggestedTokenName) {}

    /** A client and the most tools it takes (null: no limit known). */
    public record ClientLimit(String client, Integer tools) {}

    /**
     * Tool limits of common clients, for the count on the compose page. Each counts every tool the client has from
     * all its servers, not one server's. Cursor: 40, as its documentation of MCP stated (the agent is sent the
     * first 40 tools); VS Code: 128 per chat request, beyond which its chat refuses the request ("Cannot have more
     * than 128 tools per request"); Claude Desktop: none documented. Clients change: the page also takes a number.
     */
    static final List<ClientLimit> LIMITS = List.of(new ClientLimit("Cursor", 40), new ClientLimit("VS Code", 128),
            new ClientLimit("Claude Desktop", null));

    private static final String SECTION = "servers";

    private final Console console;
    private final ServerRegistry registry;
    private final Federation federation;
    private final TokenService tokens;
    private final RegistryChanges changes;
    private final AccessGuard guard;

    ServersSection(Console console, ServerRegistry registry, Federation federation, TokenService tokens,
                   RegistryChanges changes, AccessGuard guard) {
        this.console = console;
        this.registry = registry;
        this.federation = federation;
        this.tokens = tokens;
        this.changes = changes;
        this.guard = guard;
    }

    void routes(RoutesConfig routes) {
        routes.get("/admin/servers", ctx -> list(ctx, 200, console.page(ctx, "Servers", SECTION)));
        // before /{name}: a server named "new" is linked by its id
        routes.get("/admin/servers/new", ctx -> compose(ctx, 200, console.page(ctx, "New server", SECTION),
                draft("", null, List.of(), List.of(), List.of()), null));
        routes.post("/admin/servers", console.changing(this::create));
        routes.get("/admin/servers/{name}", ctx -> {
            ServerRecord server = find(ctx);
            if (server != null) {
                show(ctx, 200, console.page(ctx, "Server " + server.name(), SECTION), server, null, null);
            }
        });
        routes.post("/admin/servers/{name}", console.changing(this::update));
        routes.post("/admin/servers/{name}/delete", console.changing(this::delete));
        routes.post("/admin/servers/{name}/token", console.changing(this::issueToken));
    }

    private void list(Context ctx, int status, Page page) {
        Catalog catalog = federation.catalog();
        Map<String, String> invalid = registry.invalid();
        List<ServerRow> rows = registry.list().stream().sorted(Comparator.comparing(ServerRecord::name)).map(r -> {
            CatalogView served = catalog.view(Catalog.serverScope(r.name()));
            int missing = served == null ? 0 : (int) r.tools().stream().filter(t -> served.tool(t) == null).count();
            return new ServerRow(r.name(), link(r), r.description(), r.tools().size(), r.resources().size(), r.prompts().size(),
                    endpoint(ctx, r.name()), registry.isBuiltIn(r.name()), invalid.get(r.name()), missing);
        }).toList();
        Map<String, Object> params = new HashMap<>();
        params.put("page", page);
        params.put("servers", rows);
        console.render(ctx, status, "servers.jte", params);
    }

    private void create(Context ctx) {
        Draft sent = sent(ctx);
        try {
            ServerRecord created = registry.create(body(sent));
            changes.record(ctx, "POST", "/servers", 201);
            Console.redirect(ctx, link(created), saved(created, "Created"));
        } catch (RegistryException e) {
            changes.record(ctx, "POST", "/servers", e.status());
            compose(ctx, e.status(), console.page(ctx, "New server", SECTION).withError(e.getMessage()), sent, null);
        }
    }

    private void update(Context ctx) {
        ServerRecord current = find(ctx);
        if (current == null) {
            changes.record(ctx, "PUT", "/servers/" + ctx.pathParam("name"), ctx.statusCode());
            return;
        }
        Draft sent = sent(ctx);
        String apiPath = "/servers/" + current.id();
        try {
            ServerRecord updated = registry.update(current.id(), body(sent));
            changes.record(ctx, "PUT", apiPath, 200);
            Console.redirect(ctx, link(updated), saved(updated, "Saved"));
        } catch (RegistryException e) {
            changes.record(ctx, "PUT", apiPath, e.status());
            show(ctx, e.status(), console.page(ctx, "Server " + current.name(), SECTION).withError(e.getMessage()), current,
                    sent, null);
        }
    }

    private void delete(Context ctx) {
        ServerRecord current = find(ctx);
        if (current == null) {
            changes.record(ctx, "DELETE", "/servers/" + ctx.pathParam("name"), ctx.statusCode());
            return;
        }
        String apiPath = "/servers/" + current.id();
        try {
            ServerRecord gone = registry.delete(current.id());
            changes.record(ctx, "DELETE", apiPath, 200);
            Console.redirect(ctx, "/admin/servers", "Deleted the server '" + gone.name() + "': its endpoint is gone.");
        } catch (RegistryException e) {
            changes.record(ctx, "DELETE", apiPath, e.status());
            show(ctx, e.status(), console.page(ctx, "Server " + current.name(), SECTION).withError(e.getMessage()), current,
                    null, null);
        }
    }

    /**
     * A token for this server's endpoint alone ({@code mcp:server/NAME}, role developer: no admin scope), issued by
     * the token service as on the tokens page and shown this once, inside the configurations.
     */
    private void issueToken(Context ctx) {
        ServerRecord server = find(ctx);
        if (server == null) {
            return;
        }
        Page page = console.page(ctx, "Server " + server.name(), SECTION);
        try {
            String expires = ctx.formParam("expires");
            // the client's own subject, not the operator's: its calls are audited and rate-limited as that client
            TokenService.Issued issued = tokens.issue(new TokenService.Request(ctx.formParam("token-name"),
                    "client:" + server.name(), "developer", List.of(Scopes.forEndpoint(Catalog.serverScope(server.name()))),
                    expires == null || expires.isBlank() ? null : Durations.parse("expires", expires.trim())),
                    Principal.of(ctx));
            changes.record(ctx, "POST", "/tokens", 201);
            show(ctx, 201, page.withNotice("Created the token '" + issued.record().name() + "'. Copy a configuration now:"
                    + " the token is not shown again."),
                    server, null, issued);
        } catch (RegistryException | ConfigException e) {
            int status = e instanceof RegistryException r ? r.status() : 422;
            changes.record(ctx, "POST", "/tokens", status);
            show(ctx, status, page.withError(e.getMessage()), server, null, null);
        }
    }

    /** The server the path names (by name or id); null with the list and the reason answered when there is none. */
    private ServerRecord find(Context ctx) {
        try {
            return registry.get(ctx.pathParam("name"));
        } catch (RegistryException e) {
            list(ctx, e.status(), console.page(ctx, "Servers", SECTION).withError(e.getMessage()));
            return null;
        }
    }

    /** A saved server's page: how to reach it, then what it holds. {@code sent}: the form that was refused, if any. */
    private void show(Context ctx, int status, Page page, ServerRecord server, Draft sent, TokenService.Issued issued) {
        Catalog catalog = federation.catalog();
        CatalogView served = catalog.view(Catalog.serverScope(server.name()));
        List<String> missing = served == null ? List.of() : server.tools().stream().filter(t -> served.tool(t) == null).toList();
        String endpoint = endpoint(ctx, server.name());
        Saved saved = new Saved(server.id(), server.name(), link(server), endpoint, registry.isBuiltIn(server.name()),
                registry.invalid().get(server.name()), missing,
                ClientConfigs.of(server.name(), endpoint, issued == null ? null : issued.token()),
                issued == null ? null : issued.record().name(), server.name() + "-client");
        Draft draft = sent != null ? sent : draft(server.name(), server.description(), server.tools(), server.resources(),
                server.prompts());
        compose(ctx, status, page, draft, saved);
    }

    private void compose(Context ctx, int status, Page page, Draft draft, Saved saved) {
        Map<String, Object> params = new HashMap<>();
        params.put("page", page);
        params.put("draft", draft);
        params.put("saved", saved);
        params.put("limits", LIMITS);
        console.render(ctx, status, "server.jte", params);
    }

    /** What the form sent, laid over the catalog so that a refused form comes back as it was. */
    private Draft sent(Context ctx) {
        String name = ctx.formParam("name") == null ? "" : ctx.formParam("name").trim();
        String description = ctx.formParam("description");
        return draft(name, description == null || description.isBlank() ? null : description.trim(), ctx.formParams("tools"),
                ctx.formParams("resources"), ctx.formParams("prompts"));
    }

    /**
     * Everything that can be picked, the chosen ones ticked: the catalog's tools, those switched off (no endpoint
     * shows them), and chosen names the catalog does not have now (an upstream down, a tool gone) — kept, so that
     * saving does not drop them unseen.
     */
    private Draft draft(String name, String description, List<String> tools, List<String> resources, List<String> prompts) {
        Catalog catalog = federation.catalog();
        CatalogView all = catalog.view(Catalog.ALL);
        List<Choice> toolChoices = new ArrayList<>();
        Set<String> offered = new LinkedHashSet<>();
        if (all != null) {
            for (ObjectNode tool : all.tools()) {
                offered.add(tool.path("name").asString());
                toolChoices.add(choice(tool, "name", tools, null));
            }
        }
        for (ObjectNode tool : catalog.disabledTools()) {
            if (offered.add(tool.path("name").asString())) {
                toolChoices.add(choice(tool, "name", tools, "switched off: no endpoint shows it"));
            }
        }
        List<Choice> resourceChoices = new ArrayList<>();
        List<Choice> promptChoices = new ArrayList<>();
        if (all != null) {
            all.resources().forEach(r -> resourceChoices.add(choice(r, "uri", resources, null)));
            all.prompts().forEach(p -> promptChoices.add(choice(p, "name", prompts, null)));
        }
        return new Draft(name, description, withUnknown(toolChoices, tools), withUnknown(resourceChoices, resources),
                withUnknown(promptChoices, prompts));
    }

    private static Choice choice(ObjectNode item, String key, List<String> chosen, String note) {
        String value = item.path(key).asString();
        String detail = "uri".equals(key) ? item.path("name").asString("") : item.path("description").asString("");
        return new Choice(value, detail, chosen.contains(value), note);
    }

    private static List<Choice> withUnknown(List<Choice> offered, List<String> chosen) {
        Set<String> known = new LinkedHashSet<>();
        offered.forEach(c -> known.add(c.value()));
        List<Choice> all = new ArrayList<>(offered);
        chosen.stream().filter(v -> !known.contains(v)).distinct()
                .forEach(v -> all.add(new Choice(v, "", true, "not in the catalog now")));
        all.sort(Comparator.comparing(Choice::value));
        return all;
    }

    /** The body the {@code /servers} API takes, so that the registry checks the form as it checks a request. */
    private static ObjectNode body(Draft draft) {
        ObjectNode body = Json.object();
        body.put("name", draft.name());
        if (draft.description() != null) {
            body.put("description", draft.description());
        }
        for (var part : Map.of("tools", draft.tools(), "resources", draft.resources(), "prompts", draft.prompts()).entrySet()) {
            var names = body.putArray(part.getKey());
            part.getValue().stream().filter(Choice::chosen).forEach(c -> names.add(c.value()));
        }
        return body;
    }

    private static String saved(ServerRecord server, String verb) {
        int tools = server.tools().size();
        return verb + " the server '" + server.name() + "' with " + tools + (tools == 1 ? " tool" : " tools")
                + ". Connect a client with one of the configurations below.";
    }

    /** A server's endpoint as a client outside reaches it: by name, as its token's scope names it. */
    private String endpoint(Context ctx, String name) {
        return guard.baseUrl(ctx) + "/servers/" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "/mcp";
    }

    /** A server's page; by id for a server named "new", whose name is the compose page's address. */
    static String link(ServerRecord server) {
        return "/admin/servers/" + URLEncoder.encode("new".equals(server.name()) ? server.id() : server.name(),
                StandardCharsets.UTF_8);
    }
}
