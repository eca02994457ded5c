package dev.forge.config;

/**
 * What one JSON-RPC batch may cost the gateway. Without a cap a 1 MB batch of {@code tools/list} asks for hundreds of
 * megabytes of answer; every entry also draws on the rate limit like a request of its own.
 *
 * @param maxEntries     {@code MAX_BATCH_ENTRIES}: entries in one batch; a larger batch is refused before any runs
 * @param maxAnswerBytes {@code MAX_BATCH_RESPONSE_BYTES}: the batch's answer; entries past it get an error instead
 */
public record BatchLimits(int maxEntries, int maxAnswerBytes) {

    public static final int DEFAULT_MAX_ENTRIES = 100;
    public static final int DEFAULT_MAX_ANSWER_BYTES = 16 * 1024 * 1024;

    public static BatchLimits defaults() {
        return new BatchLimits(DEFAULT_MAX_ENTRIES, DEFAULT_MAX_ANSWER_BYTES);
    }
}
