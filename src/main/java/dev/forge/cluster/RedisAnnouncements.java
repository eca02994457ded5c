package dev.forge.cluster;

import dev.forge.store.RedisLink;
import java.util.UUID;

/** Announcements over Redis pub/sub ({@code REDIS_URL}), for replicas whose database cannot carry them. */
public final class RedisAnnouncements implements Announcements {

    static final String CHANNEL = "forge:registry";

    private final RedisLink redis;
    /** This process's own announcements come back to it: it recognises and skips them. */
    private final String self = UUID.randomUUID().toString();

    public RedisAnnouncements(RedisLink redis) {
        this.redis = redis;
    }

    @Override
    public void announce() {
        redis.publish(CHANNEL, self);
    }

    @Override
    public void listen(Runnable onChange) {
        redis.subscribe(CHANNEL, from -> {
            if (!self.equals(from)) {
                onChange.run();
            }
        });
    }

    @Override
    public String kind() {
        return "redis";
    }

    @Override
    public void close() {} // the link is the process's, closed by its owner
}
