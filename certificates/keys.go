package certificates

import (
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

	"github.com/go-jose/go-jose/v4"
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
	opts := (&jose.SignerOptions{}).WithType("JWT").WithHeader("jwk", pub)
	k.signer, err = jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: priv, KeyID: k.kid}}, opts)
	if err != nil {
		return nil, fmt.Errorf("certificates: signer: %w", err)
	}
	return k, nil
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
// none yet (the first time a credential is signed or the key set published).
func (s *Service) issuer() (*issuerKey, error) {
	s.keyMu.Lock()
	defer s.keyMu.Unlock()
	if s.key == nil {
		k, err := loadIssuerKey(s.keyPath)
		if err != nil {
			return nil, err
		}
		s.key = k
	}
	return s.key, nil
}

// JWKS is the JSON Web Key Set that publishes the issuer's public key.
func (s *Service) JWKS() (jose.JSONWebKeySet, error) {
	k, err := s.issuer()
	if err != nil {
		return jose.JSONWebKeySet{}, err
	}
	return jose.JSONWebKeySet{Keys: []jose.JSONWebKey{k.public}}, nil
}
