package io.nodeq.protocol;

import java.util.List;

/**
 * One decoded client command. {@code params} excludes the name and is read-only: the decoder hands
 * consecutive commands with the same parameters one shared array. {@code body} is set for IDENTIFY
 * and AUTH; {@code bodies} for PUB, DPUB (one body) and MPUB; {@code deferMs} for DPUB (else 0).
 * Bodies are owned by the command once decoded and never mutated afterwards (pooled ones until
 * released, see {@link Bodies}).
 */
public record Command(String name, String[] params, byte[] body, Bodies bodies, long deferMs) {

    public static final String IDENTIFY = "IDENTIFY";
    public static final String AUTH = "AUTH";
    public static final String SUB = "SUB";
    public static final String PUB = "PUB";
    public static final String MPUB = "MPUB";
    public static final String DPUB = "DPUB";
    public static final String RDY = "RDY";
    public static final String FIN = "FIN";
    public static final String REQ = "REQ";
    public static final String TOUCH = "TOUCH";
    public static final String CLS = "CLS";
    public static final String NOP = "NOP";

    public static Command line(String name, String[] params) {
        return new Command(name, params, null, null, 0);
    }

    /** The bodies of a publish, each an array of its own (copied out of shared blocks); null otherwise. */
    public List<byte[]> messages() {
        return bodies == null ? null : bodies.toList();
    }

    public String param(int i) {
        return i < params.length ? params[i] : null;
    }

    @Override
    public String toString() {
        return name + (params.length == 0 ? "" : " " + String.join(" ", params));
    }
}
