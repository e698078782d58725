package dev.trustctl.server;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * SIGTERM, SIGINT and SIGHUP (the terminal of a server started with {@code &} closing) for a server: the first
 * of any of them asks for a graceful stop, a second one during the grace halts at once with 128+signal.
 * Uses the JDK's sun.misc.Signal through reflection (javac warns on its direct use); where it is missing, a
 * shutdown hook gives the graceful stop alone.
 */
public final class Signals {
    public static final int SIGINT = 2;
    private static final Path STATUS = Path.of("/proc/self/status");

    private Signals() {
    }

    /** Whether this process ignores {@code signal} (SIG_IGN), from the {@code SigIgn} mask Linux shows. */
    public static boolean ignored(int signal) {
        try {
            return inMask(STATUS, "SigIgn", signal);
        } catch (IOException | RuntimeException unknown) {
            return false; // not Linux, or no /proc: say nothing rather than guess
        }
    }

    /**
     * Whether bit {@code signal - 1} is set in the hex mask {@code field} (SigIgn, SigCgt, SigBlk) of a
     * {@code /proc/PID/status} file.
     */
    public static boolean inMask(Path status, String field, int signal) throws IOException {
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith(field + ":")) {
                long mask = Long.parseUnsignedLong(line.substring(field.length() + 1).trim(), 16);
                return (mask >>> (signal - 1) & 1) == 1;
            }
        }
        throw new IOException("no " + field + " in " + status);
    }

    /**
     * Runs {@code stop} on the first TERM, INT or HUP and halts with 128+signal on the second. A signal the
     * process inherited as ignored (HUP under {@code nohup}, INT in a background job) stays ignored: the JVM
     * leaves it alone.
     */
    public static void onStop(Runnable stop) {
        AtomicReference<Runnable> once = new AtomicReference<>(stop);
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Object handler = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handlerClass},
                    (proxy, method, args) -> {
                        if (!method.getName().equals("handle")) {
                            return method.getDeclaringClass() == Object.class ? method.invoke(once, args) : null;
                        }
                        Runnable first = once.getAndSet(null);
                        if (first == null) {
                            Runtime.getRuntime().halt(128 + (int) signalClass.getMethod("getNumber").invoke(args[0]));
                        }
                        first.run();
                        return null;
                    });
            for (String name : new String[] {"TERM", "INT", "HUP"}) {
                Object signal = signalClass.getConstructor(String.class).newInstance(name);
                signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, handler);
            }
        } catch (ReflectiveOperationException | RuntimeException unavailable) {
            // A signal not taken keeps the JVM's default, an exit through the hooks: this one stops gracefully, once.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> Optional.ofNullable(once.getAndSet(null))
                    .ifPresent(Runnable::run), "stop-on-signal"));
        }
    }
}
