package io.nodeq.daemon.lookup;

/** One registration this daemon holds at the lookups: a topic ({@code channel} null) or a channel. */
public record Registration(String topic, String channel) {

    /** The V1 command line that (un)registers it, without the newline. */
    String line(String verb) {
        return channel == null ? verb + " " + topic : verb + " " + topic + " " + channel;
    }
}
