package cluster

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"database/sql"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/masar-platform/masar/store"
)

// Names of the rows of the keys table.
const (
	// SecretName is the server secret's row.
	SecretName = "server-secret"
	// IssuerKeyName is the row of the issuer key that signs credentials now.
	IssuerKeyName = "issuer-key"
	// retiredPrefix begins the rows of the issuer keys a rotation retired, each named by the
	// SHA-256 of its content, so that the same key imported twice is kept once.
	retiredPrefix = "issuer-key-retired-"
)

// SecretBytes is the size of a new server secret.
const SecretBytes = 32

// IssuerKeyBits is the size of a new issuer key (RSA, so that every Open Badges 3.0
// verifier can check it: RS256 is the one algorithm they must all support).
const IssuerKeyBits = 3072

// kind says how a shared key is checked, read from its legacy file and made.
type kind struct {
	name string
	// legacy decides on the content of a legacy file: use it, ignore it (false, nil), or
	// refuse to start (an error).
	legacy func(b []byte) (bool, error)
	// check refuses a value that is not a key of this kind.
	check func(b []byte) error
	// create makes a new key.
	create func() ([]byte, error)
}

// Secret returns the server secret, which keys the CSRF tokens and the links in e-mails,
// the same in every instance on the database. If the database has none yet, the legacy
// file at legacyPath (secret.key of the data directory) is imported byte for byte, so that
// an installation keeps its sessions' forms and the links it mailed; a file shorter than
// SecretBytes is ignored, as the server always did. Without either, a new random secret is
// made. Two instances starting at once end with the same secret: the first one written wins
// and both read it back.
func Secret(ctx context.Context, db *store.DB, legacyPath string) ([]byte, error) {
	return shared(ctx, db, legacyPath, kind{
		name:   SecretName,
		legacy: func(b []byte) (bool, error) { return len(b) >= SecretBytes, nil },
		check: func(b []byte) error {
			if len(b) < SecretBytes {
				return fmt.Errorf("the server secret is %d bytes, fewer than %d", len(b), SecretBytes)
			}
			return nil
		},
		create: func() ([]byte, error) {
			b := make([]byte, SecretBytes)
			_, err := rand.Read(b)
			return b, err
		},
	})
}

// IssuerKeyPEM returns the certificate issuer's private key (PKCS #8, PEM), the same in
// every instance on the database. If the database has none yet, the legacy file at
// legacyPath (issuer-key.pem of the data directory) is imported byte for byte, so that
// every credential it signed still verifies; a legacy file that is not an RSA key stops the
// start-up, as it always did. Without either, a new key is made.
//
// A legacy file whose key differs from the database's (an instance that made its own key
// before it was pointed at a shared database) is kept as a retired key: still published,
// so that what it signed still verifies, and no longer signing.
func IssuerKeyPEM(ctx context.Context, db *store.DB, legacyPath string) ([]byte, error) {
	k := issuerKind(IssuerKeyName)
	key, err := shared(ctx, db, legacyPath, k)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(legacyPath)
	if err != nil || bytes.Equal(b, key) || k.check(b) != nil {
		return key, nil //nolint:nilerr // no legacy file, or the same key, or one import refused above
	}
	if err := insertRetired(ctx, db, b); err != nil {
		return nil, err
	}
	return key, nil
}

func issuerKind(name string) kind {
	return kind{
		name: name,
		legacy: func(b []byte) (bool, error) {
			if err := checkIssuerKey(b); err != nil {
				return false, err
			}
			return true, nil
		},
		check:  checkIssuerKey,
		create: NewIssuerKeyPEM,
	}
}

// NewIssuerKeyPEM makes a new issuer key (RSA of IssuerKeyBits, PKCS #8, PEM): for a new
// installation, and for a rotation (RotateIssuerKey).
func NewIssuerKeyPEM() ([]byte, error) {
	priv, err := rsa.GenerateKey(rand.Reader, IssuerKeyBits)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// checkIssuerKey refuses what is not an RSA private key in PKCS #8 PEM, the form the
// certificates package reads.
func checkIssuerKey(b []byte) error {
	blk, _ := pem.Decode(b)
	if blk == nil {
		return errors.New("the issuer key is not PEM")
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return fmt.Errorf("the issuer key: %w", err)
	}
	if _, ok := k.(*rsa.PrivateKey); !ok {
		return errors.New("the issuer key is not an RSA key")
	}
	return nil
}

// RetiredIssuerKeyPEMs returns the issuer keys a rotation retired, oldest first: no longer
// signing, still published so that what they signed verifies. The retired key files of
// the data directory legacyDir (issuer-key-<kid>.pem, written by rotations before the keys
// moved into the database) are imported first; importing is idempotent.
func RetiredIssuerKeyPEMs(ctx context.Context, db *store.DB, legacyDir string) ([][]byte, error) {
	names, err := filepath.Glob(filepath.Join(legacyDir, "issuer-key-*.pem"))
	if err != nil {
		return nil, fmt.Errorf("cluster: retired issuer keys: %w", err)
	}
	// In the order a rotation's files were read until now, so that they get their
	// created_at in that order.
	sort.Strings(names)
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("cluster: retired issuer key: %w", err)
		}
		if err := checkIssuerKey(b); err != nil {
			return nil, fmt.Errorf("cluster: %s: %w", name, err)
		}
		if err := insertRetired(ctx, db, b); err != nil {
			return nil, err
		}
	}
	rows, err := db.W.QueryContext(ctx, `SELECT value FROM keys WHERE name LIKE ? ORDER BY created_at, name`, retiredPrefix+"%")
	keys, err := store.Collect(rows, err, func(r store.Scanner) ([]byte, error) {
		var b []byte
		return b, r.Scan(&b)
	})
	if err != nil {
		return nil, fmt.Errorf("cluster: retired issuer keys: %w", err)
	}
	return keys, nil
}

// RotateIssuerKey makes newPEM the issuer key that signs from now on and keeps the one it
// replaces as a retired key, in one transaction; it returns the replaced key (nil when the
// database had none). Instances running at that moment go on signing with the key they
// loaded until they restart; every instance publishes both once restarted.
func RotateIssuerKey(ctx context.Context, db *store.DB, newPEM []byte) (retired []byte, err error) {
	if err := checkIssuerKey(newPEM); err != nil {
		return nil, fmt.Errorf("cluster: rotate issuer key: %w", err)
	}
	err = db.Tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT value FROM keys WHERE name = ?`, IssuerKeyName).Scan(&retired)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			retired = nil
			_, err = tx.ExecContext(ctx, `INSERT INTO keys (name, value, created_at) VALUES (?, ?, ?)`, IssuerKeyName, newPEM, store.Now())
			return err
		case err != nil:
			return err
		}
		if err := insertRetiredIn(ctx, tx, retired); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE keys SET value = ?, created_at = ? WHERE name = ?`, newPEM, store.Now(), IssuerKeyName)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("cluster: rotate issuer key: %w", err)
	}
	return retired, nil
}

// insertSQL writes a key unless its row exists: the first writer wins, the others keep it.
const insertSQL = `INSERT INTO keys (name, value, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING`

func insertRetired(ctx context.Context, db *store.DB, b []byte) error {
	if err := insertRetiredIn(ctx, db.W, b); err != nil {
		return fmt.Errorf("cluster: retired issuer key: %w", err)
	}
	return nil
}

func insertRetiredIn(ctx context.Context, q store.Queryer, b []byte) error {
	sum := sha256.Sum256(b)
	_, err := q.ExecContext(ctx, insertSQL, retiredPrefix+hex.EncodeToString(sum[:]), b, store.Now())
	return err
}

// shared returns the key of kind k: the database's, else the legacy file's imported, else a
// new one; whichever instance writes first, every instance returns what was written.
func shared(ctx context.Context, db *store.DB, legacyPath string, k kind) ([]byte, error) {
	b, found, err := readKey(ctx, db, k)
	if err != nil || found {
		return b, err
	}
	var candidate []byte
	switch f, err := os.ReadFile(legacyPath); {
	case err == nil:
		use, err := k.legacy(f)
		if err != nil {
			return nil, fmt.Errorf("cluster: %s: %w", legacyPath, err)
		}
		if use {
			candidate = f
		}
	case !errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("cluster: read %s: %w", legacyPath, err)
	}
	if candidate == nil {
		if candidate, err = k.create(); err != nil {
			return nil, fmt.Errorf("cluster: make %s: %w", k.name, err)
		}
	}
	if _, err := db.W.ExecContext(ctx, insertSQL, k.name, candidate, store.Now()); err != nil {
		return nil, fmt.Errorf("cluster: store %s: %w", k.name, err)
	}
	// Read back: another instance may have written its own first.
	b, found, err = readKey(ctx, db, k)
	if err == nil && !found {
		err = fmt.Errorf("cluster: %s vanished after it was written", k.name)
	}
	return b, err
}

// readKey reads the key of kind k from the database, checked. It reads through the writer,
// so that it sees what this process has just written.
func readKey(ctx context.Context, db *store.DB, k kind) ([]byte, bool, error) {
	var b []byte
	err := db.W.QueryRowContext(ctx, `SELECT value FROM keys WHERE name = ?`, k.name).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("cluster: read %s: %w", k.name, err)
	}
	if err := k.check(b); err != nil {
		return nil, false, fmt.Errorf("cluster: the database's %s: %w", k.name, err)
	}
	return b, true, nil
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// SchemaVersion is the migration that added the leases and keys tables: a database at an
// older version (an old backup's) holds no keys.
const SchemaVersion = 25

// Key is a row of the keys table.
type Key struct {
	// Name is SecretName, IssuerKeyName, or that of a retired issuer key (see Retired).
	Name  string
	Value []byte
}

// Retired reports whether k is an issuer key that a rotation retired.
func (k Key) Retired() bool { return strings.HasPrefix(k.Name, retiredPrefix) }

// StoredKeys lists the keys the database holds, by name: what a backup of it carries. A
// database older than SchemaVersion holds none.
func StoredKeys(ctx context.Context, db *store.DB) ([]Key, error) {
	v, err := db.SchemaVersion(ctx)
	if err != nil || v < SchemaVersion {
		return nil, err
	}
	rows, err := db.R.QueryContext(ctx, `SELECT name, value FROM keys ORDER BY name`)
	keys, err := store.Collect(rows, err, func(r store.Scanner) (Key, error) {
		var k Key
		return k, r.Scan(&k.Name, &k.Value)
	})
	if err != nil {
		return nil, fmt.Errorf("cluster: stored keys: %w", err)
	}
	return keys, nil
}

// IssuerKeyStored reports whether the database holds an issuer key: a platform that finds
// one (or a legacy file to import) loads it at start-up, so that a broken key stops the
// start; a new installation makes its key when it first signs (key generation takes a
// moment).
func IssuerKeyStored(ctx context.Context, db *store.DB) (bool, error) {
	_, found, err := readKey(ctx, db, issuerKind(IssuerKeyName))
	return found, err
}
