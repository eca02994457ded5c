package dev.forge.admin;

/**
 * What every console page shows around its own content: where it is, who is signed in and whether they may change
 * things (a viewer sees no buttons that would be refused), the token its forms send back against cross-site
 * requests, and a notice or an error from what was just done.
 *
 * @param section the navigation entry this page belongs to
 * @param user    the signed-in subject; {@code local} when no sign-in is needed here
 * @param signedIn true when the browser holds a console sign-in (so it can sign out)
 * @param routerHere true when this process runs the tool router (its page is offered)
 */
public record Page(String title, String section, String user, boolean canWrite, boolean signedIn, String csrf,
                   String version, String notice, String error, boolean routerHere) {

    public Page(String title, String section, String user, boolean canWrite, boolean signedIn, String csrf, String version,
                String notice, String error) {
        this(title, section, user, canWrite, signedIn, csrf, version, notice, error, false);
    }

    public Page withNotice(String text) {
        return new Page(title, section, user, canWrite, signedIn, csrf, version, text, error, routerHere);
    }

    public Page withError(String text) {
        return new Page(title, section, user, canWrite, signedIn, csrf, version, notice, text, routerHere);
    }
}
