package io.nodeq.lookup.registry;

import java.io.Serializable;

/**
 * One key of the registration database (nsq-protocol.md §3.3): {@code client::} per identified
 * daemon connection, {@code topic:T:} per topic, {@code channel:T:C} per channel. {@code *} in a
 * query matches any key or subkey.
 */
public record Registration(String category, String key, String subkey) implements Serializable {
    public static final String CLIENT = "client";
    public static final String TOPIC = "topic";
    public static final String CHANNEL = "channel";
    public static final String ANY = "*";

    public static final Registration CLIENT_REGISTRATION = new Registration(CLIENT, "", "");

    public static Registration topic(String topic) {
        return new Registration(TOPIC, topic, "");
    }

    public static Registration channel(String topic, String channel) {
        return new Registration(CHANNEL, topic, channel);
    }

    public boolean isMatch(String category, String key, String subkey) {
        return this.category.equals(category)
                && (ANY.equals(key) || this.key.equals(key))
                && (ANY.equals(subkey) || this.subkey.equals(subkey));
    }

    /** The {@code /debug} form, also the Hazelcast map key: ':' cannot occur in a topic or channel name. */
    public String asString() {
        return category + ":" + key + ":" + subkey;
    }

    public static Registration parse(String s) {
        String[] p = s.split(":", -1);
        if (p.length != 3) {
            throw new IllegalArgumentException("not a registration key: " + s);
        }
        return new Registration(p[0], p[1], p[2]);
    }
}
