package main

import (
	"fmt"
	"net/url"
	"strings"
)

// checkOrigins refuses, at start, CORS origins that would never match a
// browser's Origin header, with the spelling that would: an origin is a
// scheme, a host and an optional port, nothing more. "null" (sandboxed pages,
// files) cannot go with credentials, nor can "*".
func checkOrigins(origins []string, credentials bool) error {
	for _, o := range origins {
		switch {
		case o == "*" && credentials:
			return fmt.Errorf("-cors-origins * cannot go with -cors-credentials: name the origins that may send credentials")
		case o == "*":
			continue
		case strings.EqualFold(o, "null") && credentials:
			return fmt.Errorf("-cors-origins null cannot go with -cors-credentials: any sandboxed page or local file sends Origin: null")
		case strings.EqualFold(o, "null"):
			continue
		}
		if err := checkOrigin(o); err != nil {
			return fmt.Errorf("-cors-origins: %q: %w", o, err)
		}
	}
	return nil
}

func checkOrigin(o string) error {
	if !strings.Contains(o, "://") {
		return fmt.Errorf("an origin starts with its scheme: write http://%s or https://%s", o, o)
	}
	u, err := url.Parse(o)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return fmt.Errorf("not an origin: write it as https://host or http://host:port")
	}
	right := u.Scheme + "://" + u.Host
	if o != right {
		return fmt.Errorf("an origin has no path, query or trailing slash: write %s", right)
	}
	if strings.ToLower(o) != o {
		return fmt.Errorf("browsers send origins in lower case: write %s", strings.ToLower(o))
	}
	return nil
}

// checkPublicURL refuses a -public-url that cannot be the base of links.
func checkPublicURL(s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("-public-url: %q: give an absolute http or https URL such as https://graph.example.org", s)
	}
	if strings.HasSuffix(s, "/") {
		return fmt.Errorf("-public-url: %q: write it without the trailing slash: %s", s, strings.TrimRight(s, "/"))
	}
	return nil
}
