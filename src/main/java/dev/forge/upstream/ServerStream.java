package dev.forge.upstream;

/** The stream on which an HTTP upstream sends what it sends on its own: opened once connected, closed with it. */
sealed interface ServerStream permits GetStream, ListenStream {

    void open();

    void close();
}
