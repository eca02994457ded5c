package dev.forge.cli;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.invoke.MethodHandle;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the serving process non-dumpable ({@code prctl(PR_SET_DUMPABLE, 0)}) before it starts any child. Its children
 * run as the same user, and a same-user process may otherwise read {@code /proc/<forge>/environ} (the environment
 * the JVM started with, every secret in it), {@code mem} and {@code fd}, or attach with ptrace; a non-dumpable
 * process's {@code /proc} entries belong to root and ptrace is refused. Children are unaffected: {@code execve}
 * makes each new program dumpable again. The JDK's own attach mechanism trusts the same user too; bin/forge turns it
 * off, and the line logged here says whether it is.
 *
 * <p>The call goes through the Foreign Function &amp; Memory API by reflection: the code is compiled for Java 21,
 * where that API is a preview, and runs on 22 or newer, where it is final. Anything else (Java 21, not Linux, no
 * native access) is one warning and the process goes on unprotected.
 */
final class ProcessProtection {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessProtection.class);
    private static final int PR_GET_DUMPABLE = 3;
    private static final int PR_SET_DUMPABLE = 4;

    private ProcessProtection() {}

    /** Applies the protection unless {@code enabled} is false ({@code FORGE_PROCESS_PROTECTION=false}); logs either way. */
    static void apply(boolean enabled) {
        boolean attachable = !attachDisabled();
        if (!enabled) {
            LOG.warn("process protection: off (FORGE_PROCESS_PROTECTION=false): processes of this user, the servers Forge "
                    + "starts included, can read this process's environment and memory{}", attachable ? ""
                    : "; jcmd cannot attach all the same: bin/forge turns the attach mechanism off unless "
                    + "FORGE_PROCESS_PROTECTION=false is in its own environment (an --env-file is read too late for it)");
            return;
        }
        String dumpable = makeNonDumpable();
        if (dumpable == null && !attachable) {
            LOG.info("process protection: on (not dumpable, no attach mechanism: other processes of this user, the "
                    + "servers Forge starts included, can neither read its environment, memory or descriptors through "
                    + "/proc nor attach to it)");
            return;
        }
        List<String> gaps = new ArrayList<>();
        if (dumpable != null) {
            gaps.add("still dumpable (" + dumpable + "): they can read its environment and memory through /proc");
        }
        if (attachable) {
            gaps.add("the attach mechanism is on (bin/forge starts the JVM with -XX:+DisableAttachMechanism): they can "
                    + "attach to it as jcmd does, dump its heap or load code into it");
        }
        LOG.warn("process protection: incomplete for processes of this user, the servers Forge starts included: {}",
                String.join("; ", gaps));
    }

    /** Null once the process is not dumpable, else why it still is. */
    private static String makeNonDumpable() {
        String unavailable = unavailable();
        if (unavailable != null) {
            return unavailable;
        }
        try {
            MethodHandle prctl = prctl();
            int set = (int) prctl.invokeExact(PR_SET_DUMPABLE, 0L, 0L, 0L, 0L);
            int dumpable = (int) prctl.invokeExact(PR_GET_DUMPABLE, 0L, 0L, 0L, 0L);
            return set == 0 && dumpable == 0 ? null
                    : "prctl(PR_SET_DUMPABLE, 0) returned " + set + ", PR_GET_DUMPABLE " + dumpable;
        } catch (Throwable e) {
            return describe(e);
        }
    }

    private static boolean attachDisabled() {
        try {
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            return vm != null && "true".equals(vm.getVMOption("DisableAttachMechanism").getValue());
        } catch (RuntimeException e) {
            return false; // not HotSpot: assume the worst
        }
    }

    /** Why the call cannot be made here, or null. */
    private static String unavailable() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
            return "not Linux: " + System.getProperty("os.name");
        }
        if (Runtime.version().feature() < 22) {
            return "needs Java 22 or newer, running " + Runtime.version().feature();
        }
        return null;
    }

    /** {@code int prctl(int option, ...)}, four unsigned longs after the option, through java.lang.foreign. */
    private static MethodHandle prctl() throws ReflectiveOperationException {
        Class<?> linkerType = Class.forName("java.lang.foreign.Linker");
        Class<?> optionType = Class.forName("java.lang.foreign.Linker$Option");
        Class<?> lookupType = Class.forName("java.lang.foreign.SymbolLookup");
        Class<?> layoutType = Class.forName("java.lang.foreign.MemoryLayout");
        Class<?> valueLayoutType = Class.forName("java.lang.foreign.ValueLayout");
        Class<?> descriptorType = Class.forName("java.lang.foreign.FunctionDescriptor");
        Class<?> segmentType = Class.forName("java.lang.foreign.MemorySegment");

        Object linker = linkerType.getMethod("nativeLinker").invoke(null);
        Object lookup = linkerType.getMethod("defaultLookup").invoke(linker);
        Object symbol = ((Optional<?>) lookupType.getMethod("find", String.class).invoke(lookup, "prctl"))
                .orElseThrow(() -> new IllegalStateException("no prctl in the C library"));
        Object javaInt = valueLayoutType.getField("JAVA_INT").get(null);
        Object javaLong = valueLayoutType.getField("JAVA_LONG").get(null);
        Object arguments = Array.newInstance(layoutType, 5);
        Array.set(arguments, 0, javaInt);
        for (int i = 1; i < 5; i++) {
            Array.set(arguments, i, javaLong);
        }
        Object descriptor = descriptorType.getMethod("of", layoutType, arguments.getClass()).invoke(null, javaInt, arguments);
        // prctl is variadic in the C library: the arguments after the first are passed as such
        Object options = Array.newInstance(optionType, 1);
        Array.set(options, 0, optionType.getMethod("firstVariadicArg", int.class).invoke(null, 1));
        return (MethodHandle) linkerType.getMethod("downcallHandle", segmentType, descriptorType, options.getClass())
                .invoke(linker, symbol, descriptor, options);
    }

    private static String describe(Throwable e) {
        Throwable cause = e instanceof InvocationTargetException ite && ite.getCause() != null ? ite.getCause() : e;
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }
}
