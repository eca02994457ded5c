package dev.forge.config;

import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/** Where the built-in {@code rest} upstream finds its REST-backed tool definitions, and hears that they changed. */
public interface RestToolSource {

    /** The current definitions: {@code name}, {@code description}, {@code method}, {@code url}, … */
    List<ObjectNode> definitions();

    void onChange(Runnable listener);
}
