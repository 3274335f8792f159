package io.nodeq.lookup;

import io.nodeq.config.FlagTable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code java -jar nodeq-lookup.jar [flags]}: a drop-in nsqlookupd. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        FlagTable.Outcome<LookupFlags.Parsed> outcome = LookupFlags.parse(args);
        if (outcome instanceof FlagTable.Exit<LookupFlags.Parsed> exit) {
            System.out.print(exit.stdout());
            System.err.print(exit.stderr());
            System.exit(exit.code());
            return;
        }
        LookupFlags.Parsed p = ((FlagTable.Run<LookupFlags.Parsed>) outcome).value();
        LogSetup.configure(p.logLevel(), p.logPrefix());
        Logger log = LoggerFactory.getLogger(Main.class);
        log.info("nodeq-lookup v{} (pid {})", LookupServer.VERSION, ProcessHandle.current().pid());
        // the hook goes in first: a SIGTERM during start-up must still be a clean stop
        AtomicReference<LookupServer> running = new AtomicReference<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("signal received: shutting down");
            LookupServer s = running.get();
            if (s == null) {
                return;
            }
            try {
                s.close().await(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                log.error("shutdown failed: {}", e.toString());
            }
        }, "shutdown-hook"));
        try {
            running.set(LookupServer.start(p.options()).await(60, TimeUnit.SECONDS));
        } catch (Exception e) {
            log.error("FATAL: failed to start: {}", e.toString());
            System.exit(1);
        }
    }
}
