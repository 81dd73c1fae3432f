package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/cccs13/cccs-graph/auth"
	"github.com/cccs13/cccs-graph/domain"
)

// tokenCmd creates, lists and revokes API tokens: in the data directory, or
// through the running server that holds it (-server).
//
//	token create -role editor -name NAME   prints the token once, last line of stdout
//	token list
//	token revoke NAME
func tokenCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: cccs-graph token create|list|revoke [options]")
		return errUsage
	}
	verb, args := args[0], args[1:]
	var c config
	var name, role string
	fs := flag.NewFlagSet("token "+verb, flag.ContinueOnError)
	c.register(fs, false)
	synopsis := "token " + verb + " [options]"
	switch verb {
	case "create":
		fs.StringVar(&name, "name", "", "the token's name, shown as the actor of every change it makes")
		fs.StringVar(&role, "role", "", "reader, editor (may edit the graph) or admin (tokens, imports, backups)")
	case "list":
	case "revoke":
		synopsis = "token revoke [options] NAME"
	default:
		fmt.Fprintf(stderr, "unknown token command %q: use create, list or revoke\n", verb)
		return errUsage
	}
	if err := parse(fs, args, stderr, synopsis); err != nil {
		return err
	}
	if err := c.validate(fs); err != nil {
		return err
	}
	if verb == "revoke" {
		if fs.NArg() > 1 && strings.HasPrefix(fs.Arg(1), "-") {
			return domain.Errorf(domain.EBADINPUT, "the options go before the token's name: %.64q comes after it", fs.Arg(1))
		}
		if fs.NArg() != 1 {
			return domain.Errorf(domain.EBADINPUT, "name the token to revoke")
		}
		name = fs.Arg(0)
	}
	if verb == "create" {
		if _, err := auth.ParseRole(role); err != nil {
			return err
		}
	}
	if c.Server != "" {
		return remoteToken(&remote{Server: c.Server, Token: c.Token}, verb, name, role, stdout)
	}
	s, err := openStore(ctx, &c, newLogger(&c, stderr))
	if err != nil {
		return heldHint(err)
	}
	defer s.Close()
	tokens := auth.Tokens{Store: s}
	switch verb {
	case "create":
		r, _ := auth.ParseRole(role)
		token, err := tokens.Create(ctx, name, r, "cli")
		if err != nil {
			return err
		}
		printToken(stdout, name, r.String(), token)
	case "list":
		list, err := s.Tokens(ctx)
		if err != nil {
			return err
		}
		printTokens(stdout, tokenViews(list))
	case "revoke":
		if err := s.RevokeToken(ctx, name, time.Now()); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "revoked token %s\n", name)
	}
	return nil
}

func remoteToken(rem *remote, verb, name, role string, stdout io.Writer) error {
	switch verb {
	case "create":
		var out struct{ Name, Role, Token string }
		if err := rem.callJSON("POST", "/admin/tokens", map[string]string{"name": name, "role": role}, &out); err != nil {
			return err
		}
		printToken(stdout, out.Name, out.Role, out.Token)
	case "list":
		var list []tokenView
		if err := rem.callJSON("GET", "/admin/tokens", nil, &list); err != nil {
			return err
		}
		printTokens(stdout, list)
	case "revoke":
		if err := rem.callJSON("DELETE", "/admin/tokens/"+url.PathEscape(name), nil, nil); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "revoked token %s\n", name)
	}
	return nil
}

// printToken shows a new token once, alone on the last line.
func printToken(w io.Writer, name, role, token string) {
	fmt.Fprintf(w, "created token %s (role %s); it is shown only now, keep it:\n%s\n", name, role, token)
}

func printTokens(w io.Writer, list []tokenView) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tROLE\tCREATED\tBY\tREVOKED")
	for _, t := range list {
		revoked := "-"
		if t.Revoked != nil {
			revoked = t.Revoked.Format(time.RFC3339)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", t.Name, t.Role, t.Created.Format(time.RFC3339), t.CreatedBy, revoked)
	}
	tw.Flush()
}
