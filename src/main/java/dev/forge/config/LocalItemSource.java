package dev.forge.config;

import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/** Where the built-in {@code local} upstream finds prompts and resources defined in Forge itself. */
public interface LocalItemSource {

    /** Prompt definitions: {@code name}, {@code description}, {@code template}, {@code arguments}. */
    List<ObjectNode> prompts();

    /** Resource definitions: {@code uri}, {@code name}, {@code description}, {@code mime_type}, {@code content}. */
    List<ObjectNode> resources();

    void onChange(Runnable listener);
}
