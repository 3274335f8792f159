package io.nodeq.daemon;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;

import java.util.Locale;

/**
 * The Linux scheduling calls the JDK has no API for, made through JNA: a thread's scheduler time
 * slice ({@code sched_setattr}, for {@code --sched-slice}) and a thread's nice value
 * ({@code setpriority}, for {@code --jit-nice}). Elsewhere, or when the C library cannot be
 * loaded, every call answers why it did nothing. Stateless; callable from any thread.
 *
 * <p>Why a slice. Since Linux 6.6 the fair scheduler is EEVDF: a thread that wakes takes the core
 * from the running one only when its deadline (its start plus its slice) is earlier. With the
 * default slice (0.7 ms times a factor for the number of cores), a woken event loop waits behind
 * whatever started a slice on its core: the JIT's compiler, a client's threads, the other event
 * loop. Since Linux 6.12 a thread may ask for a shorter slice (100 µs at least) and then preempts
 * at wake-up ("latency-sensitive" in the kernel's terms). It does not get more CPU than its fair
 * share: it runs sooner, in shorter turns. Older kernels accept the call and ignore the slice; it
 * is read back to tell the two apart.
 */
public final class LinuxScheduling {
    /** The shortest slice the kernel takes (it clamps shorter ones). */
    public static final long MIN_SLICE_NS = 100_000;
    /** The longest slice the kernel takes. */
    public static final long MAX_SLICE_NS = 100_000_000;

    private static final int SCHED_OTHER = 0;
    private static final int SCHED_BATCH = 3;
    /** {@code struct sched_attr} up to {@code sched_period} (SCHED_ATTR_SIZE_VER0). */
    private static final int ATTR_SIZE = 48;
    private static final int ATTR_POLICY = 4;
    private static final int ATTR_RUNTIME = 24;
    private static final int PRIO_PROCESS = 0;

    /** The C library's {@code syscall} and {@code setpriority}. */
    private interface CLib extends Library {
        long syscall(long number, Object... args);

        int setpriority(int which, int who, int prio);
    }

    private static final Calls CALLS = Calls.load();

    private LinuxScheduling() {
    }

    /** What the loader found: the library and this architecture's syscall numbers, or why not. */
    private record Calls(CLib libc, long setattr, long getattr, String unavailable) {
        static Calls load() {
            String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
            if (!os.contains("linux")) {
                return new Calls(null, -1, -1, "not Linux");
            }
            String arch = System.getProperty("os.arch", "");
            long setattr;
            long getattr;
            switch (arch) {
                case "amd64", "x86_64" -> {
                    setattr = 314;
                    getattr = 315;
                }
                case "aarch64" -> {
                    setattr = 274;
                    getattr = 275;
                }
                default -> {
                    setattr = -1;
                    getattr = -1;
                }
            }
            try {
                CLib libc = Native.load("c", CLib.class);
                return new Calls(libc, setattr, getattr, null);
            } catch (Throwable e) { // UnsatisfiedLinkError, or JNA's native part missing for this platform
                return new Calls(null, -1, -1, "cannot load the C library through JNA: " + e.getMessage());
            }
        }
    }

    /** Null when the calls can be made here, else why not (the first call loads the C library). */
    public static String unavailable() {
        return CALLS.unavailable;
    }

    /**
     * Asks for a scheduler slice of {@code sliceNs} for the calling thread, keeping its policy and
     * nice value; null when the kernel took it, else why not (not Linux, a kernel before 6.12, a
     * real-time or idle policy set by the operator, an error).
     */
    public static String setSliceOfCurrentThread(long sliceNs) {
        return setSlice(0, sliceNs);
    }

    /** As {@link #setSliceOfCurrentThread} for thread {@code tid} of this process (0: the caller). */
    public static String setSlice(int tid, long sliceNs) {
        if (CALLS.unavailable != null) {
            return CALLS.unavailable;
        }
        if (CALLS.setattr < 0) {
            return "no sched_setattr number known for " + System.getProperty("os.arch");
        }
        long who = tid;
        try (Memory attr = new Memory(ATTR_SIZE)) {
            attr.clear();
            if (CALLS.libc.syscall(CALLS.getattr, who, attr, (long) ATTR_SIZE, 0L) != 0) {
                return "sched_getattr failed: errno " + Native.getLastError();
            }
            int policy = attr.getInt(ATTR_POLICY);
            if (policy != SCHED_OTHER && policy != SCHED_BATCH) {
                return "the thread's scheduling policy is " + policy + ", not the fair class: left as it is";
            }
            attr.setInt(0, ATTR_SIZE);
            attr.setLong(ATTR_RUNTIME, sliceNs);
            if (CALLS.libc.syscall(CALLS.setattr, who, attr, 0L) != 0) {
                return "sched_setattr failed: errno " + Native.getLastError();
            }
            attr.clear();
            if (CALLS.libc.syscall(CALLS.getattr, who, attr, (long) ATTR_SIZE, 0L) != 0) {
                return "sched_getattr failed: errno " + Native.getLastError();
            }
            long got = attr.getLong(ATTR_RUNTIME);
            return got == sliceNs ? null
                    : "this kernel (" + System.getProperty("os.version") + ") has no custom slices (Linux 6.12+)";
        } catch (RuntimeException | Error e) {
            return e.toString();
        }
    }

    /** Gives thread {@code tid} the nice value {@code nice}; null when done, else why not. */
    public static String setNice(int tid, int nice) {
        if (CALLS.unavailable != null) {
            return CALLS.unavailable;
        }
        try {
            return CALLS.libc.setpriority(PRIO_PROCESS, tid, nice) == 0 ? null
                    : "setpriority failed: errno " + Native.getLastError();
        } catch (RuntimeException | Error e) {
            return e.toString();
        }
    }
}
