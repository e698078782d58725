package dev.trustctl.echo;

import java.lang.reflect.Proxy;

/**
 * SIGTERM and SIGINT for a server: the first asks for a graceful stop, a second one during the grace halts
 * at once. Uses the JDK's sun.misc.Signal through reflection (javac warns on its direct use); where it is
 * missing, a shutdown hook gives the graceful stop alone.
 */
public final class Signals {
    private Signals() {
    }

    /** Runs {@code stop} on the first TERM or INT and halts with 128+signal on the second. */
    public static void onStop(Runnable stop) {
        Runnable[] once = {stop};
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Object handler = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handlerClass},
                    (proxy, method, args) -> {
                        if (!method.getName().equals("handle")) {
                            return method.getDeclaringClass() == Object.class ? method.invoke(once, args) : null;
                        }
                        int number = (int) signalClass.getMethod("getNumber").invoke(args[0]);
                        Runnable first;
                        synchronized (once) {
                            first = once[0];
                            once[0] = null;
                        }
                        if (first == null) {
                            Runtime.getRuntime().halt(128 + number);
                        }
                        first.run();
                        return null;
                    });
            for (String name : new String[] {"TERM", "INT"}) {
                Object signal = signalClass.getConstructor(String.class).newInstance(name);
                signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, handler);
            }
        } catch (ReflectiveOperationException | RuntimeException unavailable) {
            Runtime.getRuntime().addShutdownHook(new Thread(stop, "stop-on-signal"));
        }
    }
}
