package dev.forge.config;

import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/** Tools Forge defines and answers itself (the tool router's meta-tools): their definitions, for listing. */
public interface MetaToolSource {

    List<ObjectNode> definitions();
}
