package dev.forge.cluster;

/**
 * How the replicas of one deployment tell each other that the registry they share changed. An announcement says only
 * that something changed; whoever hears it reads the registry again ({@link RegistrySync}), so a lost announcement
 * costs a delay (until the next periodic reading), never a wrong state.
 */
public interface Announcements extends AutoCloseable {

    /** Without a shared channel (one process, or replicas on SQLite): only the periodic reading. */
    Announcements NONE = new Announcements() {
        @Override
        public void announce() {}

        @Override
        public void listen(Runnable onChange) {}

        @Override
        public String kind() {
            return "none";
        }

        @Override
        public void close() {}
    };

    /** Tells the other replicas; never waits for them and never fails the change it follows. */
    void announce();

    /** Calls {@code onChange} (off any I/O thread) whenever another replica announces a change. */
    void listen(Runnable onChange);

    /** What carries the announcements, for the log and health output. */
    String kind();

    @Override
    void close();
}
