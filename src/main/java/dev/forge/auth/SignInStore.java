package dev.forge.auth;

/** Where the console's sign-ins are kept: in this process, or in Redis for replicas behind a balancer. */
interface SignInStore {

    /** Starts a sign-in for a credential already checked; the result is the cookie's value. */
    String open(String authorization);

    /** The credential the cookie stands for, or null (unknown, signed out, idle or open too long). */
    String authorization(String cookie, boolean byAPerson);

    /** Ends the sign-in; false when it could not be ended now (it is tried again, and lapses when idle anyway). */
    boolean close(String cookie);
}
