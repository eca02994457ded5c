package dev.forge.router;

/**
 * Turns a text into a unit-length vector: the dot product of two says how close their meanings are, whatever words
 * they share. The router embeds what each tool is and each task it is asked about.
 */
public interface Embedder extends AutoCloseable {

    /** Names the model; vectors of different models are never compared (nor cached under one name). */
    String model();

    /** The text's vector, of length one. */
    float[] embed(String text);

    /** Gives back what the model holds (native memory); nothing to do by default. */
    @Override
    default void close() {}
}
