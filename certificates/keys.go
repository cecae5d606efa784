package certificates

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/masar-platform/masar/config"
)

// issuerKey is the key pair the platform signs credentials with: RSA, so that every Open
// Badges 3.0 verifier can check it (RS256 is the one algorithm they must all support).
type issuerKey struct {
	priv   *rsa.PrivateKey
	kid    string // RFC 7638 thumbprint of the public key
	public jose.JSONWebKey
	signer jose.Signer
}

// keyBits is the size of a new issuer key.
const keyBits = 3072

// loadIssuerKey reads the issuer key from path (PKCS #8, PEM), creating it on first start.
// It must outlive restarts: every credential ever issued is checked against it.
func loadIssuerKey(path string) (*issuerKey, error) {
	b, err := os.ReadFile(path)
	var priv *rsa.PrivateKey
	switch {
	case err == nil:
		if priv, err = parseIssuerKey(path, b); err != nil {
			return nil, err
		}
	case errors.Is(err, os.ErrNotExist):
		if priv, err = rsa.GenerateKey(rand.Reader, keyBits); err != nil {
			return nil, fmt.Errorf("certificates: generate issuer key: %w", err)
		}
		der, err := x509.MarshalPKCS8PrivateKey(priv)
		if err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("certificates: write issuer key: %w", err)
		}
		// Written aside and renamed, so that a crash never leaves half a key.
		tmp := path + ".tmp"
		if err := os.WriteFile(tmp, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
			return nil, fmt.Errorf("certificates: write issuer key: %w", err)
		}
		if err := os.Rename(tmp, path); err != nil {
			return nil, fmt.Errorf("certificates: write issuer key: %w", err)
		}
	default:
		return nil, fmt.Errorf("certificates: read issuer key: %w", err)
	}
	return newIssuerKey(priv)
}

// parseIssuerKey reads the issuer key from b, the content of the file path.
func parseIssuerKey(path string, b []byte) (*rsa.PrivateKey, error) {
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, fmt.Errorf("certificates: %s is not a PEM file", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("certificates: read issuer key %s: %w", path, err)
	}
	priv, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("certificates: issuer key %s is not an RSA key", path)
	}
	return priv, nil
}

// IssuerKeyID reads the issuer key file at path, without creating one, and returns the
// key's id as /.well-known/jwks.json publishes it (its RFC 7638 thumbprint): so that a
// restore can say which key it brought back, and fail on a file that is not a key.
func IssuerKeyID(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("certificates: read issuer key: %w", err)
	}
	priv, err := parseIssuerKey(path, b)
	if err != nil {
		return "", err
	}
	k, err := newIssuerKey(priv)
	if err != nil {
		return "", err
	}
	return k.kid, nil
}

func newIssuerKey(priv *rsa.PrivateKey) (*issuerKey, error) {
	pub := jose.JSONWebKey{Key: &priv.PublicKey, Algorithm: string(jose.RS256), Use: "sig"}
	tp, err := pub.Thumbprint(crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("certificates: key thumbprint: %w", err)
	}
	k := &issuerKey{priv: priv, kid: base64.RawURLEncoding.EncodeToString(tp)}
	pub.KeyID = k.kid
	k.public = pub
	if k.signer, err = newSigner(k, k.kid); err != nil {
		return nil, err
	}
	return k, nil
}

// newSigner is a signer with k whose JWS header names the key kid and carries its public
// key (jwk).
func newSigner(k *issuerKey, kid string) (jose.Signer, error) {
	opts := (&jose.SignerOptions{}).WithType("JWT").WithHeader("jwk", k.public)
	sig, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: k.priv, KeyID: kid}}, opts)
	if err != nil {
		return nil, fmt.Errorf("certificates: signer: %w", err)
	}
	return sig, nil
}

// sign returns the compact JWS (a JWT) of payload.
func (k *issuerKey) sign(payload []byte) (string, error) {
	obj, err := k.signer.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("certificates: sign: %w", err)
	}
	return obj.CompactSerialize()
}

// issuer returns the issuer key, loading it, or creating it when the data directory has
// none yet (the first time a credential is signed or the key set published). The keys a
// rotation retired (issuer-key-<kid>.pem) are loaded with it, to be published.
func (s *Service) issuer() (*issuerKey, error) {
	s.keyMu.Lock()
	defer s.keyMu.Unlock()
	if s.key == nil && s.opt.SharedIssuerKeys != nil {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		current, retired, err := s.opt.SharedIssuerKeys(ctx)
		if err != nil {
			return nil, err
		}
		if err := s.useSharedKeys(current, retired); err != nil {
			return nil, err
		}
	}
	if s.key == nil {
		k, err := loadIssuerKey(s.keyPath)
		if err != nil {
			return nil, err
		}
		prev, err := loadPreviousKeys(filepath.Dir(s.keyPath), k.kid)
		if err != nil {
			return nil, err
		}
		if err := s.useKeys(k, prev); err != nil {
			return nil, err
		}
	}
	return s.key, nil
}

// useKeys makes k the key that signs and prev the retired ones published with it. Called
// with keyMu held, or before the service is shared.
func (s *Service) useKeys(k *issuerKey, prev []*issuerKey) error {
	// The header names the key by its DID URL, which a verifier resolves through the DID
	// document (Open Badges 3.0 §8.2.4.1: kid, a URI dereferenced to the JWK).
	signer, err := newSigner(k, s.KeyURL(k.kid))
	if err != nil {
		return err
	}
	k.signer = signer
	s.key, s.previous = k, prev
	return nil
}

// useSharedKeys takes the issuer key and the retired ones from PEM (Options.IssuerKey),
// leaving out a retired copy of the current key, and the same retired key twice.
func (s *Service) useSharedKeys(current []byte, retired [][]byte) error {
	k, err := issuerKeyFromPEM("the shared issuer key", current)
	if err != nil {
		return err
	}
	seen := map[string]bool{k.kid: true}
	var prev []*issuerKey
	for i, b := range retired {
		r, err := issuerKeyFromPEM(fmt.Sprintf("retired issuer key %d", i+1), b)
		if err != nil {
			return err
		}
		if !seen[r.kid] {
			seen[r.kid] = true
			prev = append(prev, r)
		}
	}
	return s.useKeys(k, prev)
}

func issuerKeyFromPEM(what string, b []byte) (*issuerKey, error) {
	priv, err := parseIssuerKey(what, b)
	if err != nil {
		return nil, err
	}
	return newIssuerKey(priv)
}

// IssuerKeyIDPEM returns the key id of the issuer key b (PKCS #8, PEM), as
// /.well-known/jwks.json publishes it: so that a rotation of the shared key can say which
// key it retired and which one signs now.
func IssuerKeyIDPEM(b []byte) (string, error) {
	k, err := issuerKeyFromPEM("issuer key", b)
	if err != nil {
		return "", err
	}
	return k.kid, nil
}

// publishedKeys are the current key followed by the keys it replaced.
func (s *Service) publishedKeys() ([]*issuerKey, error) {
	k, err := s.issuer()
	if err != nil {
		return nil, err
	}
	s.keyMu.Lock()
	defer s.keyMu.Unlock()
	return append([]*issuerKey{k}, s.previous...), nil
}

// previousKeyGlob matches the files of the keys a rotation retired from signing.
const previousKeyGlob = "issuer-key-*.pem"

// loadPreviousKeys reads the retired issuer keys of dir, sorted by file name, leaving out
// the current key (kid) should a copy of it be among them.
func loadPreviousKeys(dir, current string) ([]*issuerKey, error) {
	names, err := filepath.Glob(filepath.Join(dir, previousKeyGlob))
	if err != nil {
		return nil, fmt.Errorf("certificates: previous issuer keys: %w", err)
	}
	sort.Strings(names)
	var keys []*issuerKey
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("certificates: read issuer key: %w", err)
		}
		priv, err := parseIssuerKey(name, b)
		if err != nil {
			return nil, err
		}
		k, err := newIssuerKey(priv)
		if err != nil {
			return nil, err
		}
		if k.kid != current {
			keys = append(keys, k)
		}
	}
	return keys, nil
}

// Rotation is what RotateIssuerKey did: the key that signed until now (empty when the
// directory had none) and the one that signs from now on.
type Rotation struct {
	Retired, RetiredFile string
	Current              string
}

// RotateIssuerKey gives the data directory dataDir a new issuer key: the current one
// (issuer-key.pem) is kept as issuer-key-<kid>.pem, still published in the key set, the DID
// document and the issuer profile, so that every credential it signed keeps verifying; the
// new key signs from then on. The caller holds the data directory's lock: a running server
// would go on signing with the key it loaded. Each step leaves a directory a server can
// start on: the old key is copied aside before the new one replaces it.
func RotateIssuerKey(dataDir string) (*Rotation, error) {
	path := filepath.Join(dataDir, config.IssuerKeyFile)
	rot := &Rotation{}
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		priv, err := parseIssuerKey(path, b)
		if err != nil {
			return nil, err
		}
		old, err := newIssuerKey(priv)
		if err != nil {
			return nil, err
		}
		rot.Retired, rot.RetiredFile = old.kid, "issuer-key-"+old.kid+".pem"
		if err := writeFileAtomic(filepath.Join(dataDir, rot.RetiredFile), b); err != nil {
			return nil, err
		}
		// Written aside first and renamed over the current key below.
		if err := os.Rename(path, path+".old"); err != nil {
			return nil, fmt.Errorf("certificates: rotate issuer key: %w", err)
		}
		k, err := loadIssuerKey(path)
		if err != nil {
			// Put the old key back: the directory stays as it was, plus the copy.
			_ = os.Rename(path+".old", path)
			return nil, err
		}
		_ = os.Remove(path + ".old")
		rot.Current = k.kid
	case errors.Is(err, os.ErrNotExist):
		k, err := loadIssuerKey(path)
		if err != nil {
			return nil, err
		}
		rot.Current = k.kid
	default:
		return nil, fmt.Errorf("certificates: read issuer key: %w", err)
	}
	return rot, nil
}

// writeFileAtomic writes b to path (0600) under a temporary name and renames it.
func writeFileAtomic(path string, b []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("certificates: write issuer key: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("certificates: write issuer key: %w", err)
	}
	return nil
}

// JWKS is the JSON Web Key Set that publishes the issuer's public keys: the one that signs
// now, then every key it replaced. Retired keys stay published for good: credentials are
// signed when downloaded and carry no expiry, so a holder may show a credential signed with
// any of them years later.
func (s *Service) JWKS() (jose.JSONWebKeySet, error) {
	keys, err := s.publishedKeys()
	if err != nil {
		return jose.JSONWebKeySet{}, err
	}
	set := jose.JSONWebKeySet{}
	for _, k := range keys {
		set.Keys = append(set.Keys, k.public)
	}
	return set, nil
}
