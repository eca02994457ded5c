package dev.forge.router;

import java.util.List;

/**
 * An optional second stage after BM25 and feedback: given the task and the first stage's candidates (best first),
 * returns them in a better order (an embedding model would plug in here). Off unless one is installed.
 */
public interface Reranker {

    Reranker NONE = (task, candidates) -> candidates;

    List<RankedTool> rerank(String task, List<RankedTool> candidates);
}
