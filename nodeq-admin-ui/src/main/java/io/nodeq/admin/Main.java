package io.nodeq.admin;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/** {@code java -jar nodeq-admin-ui.jar --lookupd-http-address 127.0.0.1:4161}: flags as nsqadmin's. */
public final class Main {
    static final String VERSION = "0.1.0";
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) {
        Flags.Parsed parsed;
        try {
            parsed = Flags.parse(args);
        } catch (Flags.FlagException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        if (parsed.help()) {
            System.out.print(Flags.usage());
            return;
        }
        AdminServer server;
        try {
            server = AdminServer.start(parsed.options()).await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close().await(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("close failed: {}", e.toString());
            }
        }, "shutdown-hook"));
    }
}
