package io.nodeq.client;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The library version, as sent in IDENTIFY's {@code user_agent} ({@code nodeq-client/<version>}). */
public final class ClientVersion {
    /** The Maven project version, or {@code "dev"} when run from an unfiltered build. */
    public static final String VERSION = load();
    public static final String USER_AGENT = "nodeq-client/" + VERSION;

    private ClientVersion() {
    }

    private static String load() {
        try (InputStream in = ClientVersion.class.getResourceAsStream("nodeq-client.properties")) {
            if (in == null) {
                return "dev";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "dev");
            return v.startsWith("${") ? "dev" : v;
        } catch (IOException e) {
            return "dev";
        }
    }
}
