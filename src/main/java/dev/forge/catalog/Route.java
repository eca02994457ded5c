package dev.forge.catalog;

import dev.forge.upstream.Upstream;

/** Where a named tool or prompt lives: the upstream that owns it and its name there. */
public record Route(Upstream upstream, String upstreamName) {}
