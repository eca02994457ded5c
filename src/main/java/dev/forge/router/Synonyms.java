package dev.forge.router;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Words that tasks and tool descriptions use for the same thing. Only groups that earned their place on the
 * evaluation set are here; each word is stemmed like the index, and a synonym counts for less than the word itself.
 */
final class Synonyms {

    private static final List<List<String>> GROUPS = List.of(
            List.of("delete", "remove", "erase", "drop", "destroy"),
            List.of("create", "make", "add", "new", "open"),
            List.of("search", "find", "look", "query", "lookup"),
            List.of("get", "fetch", "retrieve", "read", "show", "view"),
            List.of("list", "enumerate", "all"),
            List.of("update", "edit", "modify", "change", "rename"),
            List.of("send", "post", "message", "notify"),
            List.of("issue", "ticket", "bug"),
            List.of("repository", "repo", "project"),
            List.of("directory", "folder"),
            List.of("image", "picture", "photo", "screenshot"),
            List.of("web", "internet", "online"),
            List.of("url", "page", "website", "link"),
            List.of("run", "execute", "invoke"),
            List.of("email", "mail"),
            List.of("merge", "pull"),
            List.of("comment", "reply", "note"),
            List.of("time", "clock", "timezone"),
            List.of("weather", "forecast"),
            List.of("write", "save", "store"),
            List.of("move", "rename"),
            List.of("event", "meeting", "appointment"),
            List.of("cancel", "delete"),
            List.of("info", "metadata", "modified", "details"),
            List.of("review", "approve"),
            List.of("sms", "text"),
            List.of("insert", "add", "write"));

    private final Map<String, Set<String>> byTerm = new HashMap<>();

    Synonyms(ToolAnalyzer analyzer) {
        for (List<String> group : GROUPS) {
            Set<String> stems = new HashSet<>();
            group.forEach(word -> stems.addAll(analyzer.terms(word)));
            for (String stem : stems) {
                Set<String> others = new HashSet<>(stems);
                others.remove(stem);
                byTerm.computeIfAbsent(stem, k -> new HashSet<>()).addAll(others);
            }
        }
    }

    Set<String> of(String term) {
        return byTerm.getOrDefault(term, Set.of());
    }
}
