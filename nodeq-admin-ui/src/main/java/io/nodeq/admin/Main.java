package io.nodeq.admin;

import io.nodeq.config.FlagTable;
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
        FlagTable.Outcome<AdminOptions> outcome = Flags.parse(args);
        if (outcome instanceof FlagTable.Exit<AdminOptions> exit) {
            System.out.print(exit.stdout());
            System.err.print(exit.stderr());
            System.exit(exit.code());
            return;
        }
        AdminOptions options = ((FlagTable.Run<AdminOptions>) outcome).value();
        AdminServer server;
        try {
            server = AdminServer.start(options).await(30, TimeUnit.SECONDS);
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
