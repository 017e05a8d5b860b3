"""A private certificate authority and a broker certificate, for a test or a small site.

A site with its own PKI uses that instead; this is what `fleet broker certs` writes when there
is none: an EC P-256 CA, and a server certificate it signs whose subjectAltName holds every
name and address clients use to reach the broker.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from fleet_server.broker.files import SECRET_MODE, FileOwner, write_file

CA_CERT = "ca.crt"
CA_KEY = "ca.key"
SERVER_CERT = "server.crt"
SERVER_KEY = "server.key"
CA_DAYS = 3650
# Browsers cap server certificates at 398 days; MQTT clients do not, but a short life limits
# what a stolen key is worth. Renew with the same CA (delete server.* and run again).
SERVER_DAYS = 398
# The server beside the broker connects over loopback: the certificate names it too.
LOCAL_NAMES = ("localhost", "127.0.0.1", "::1")
PUBLIC_MODE = 0o644


@dataclass(frozen=True)
class IssuedCerts:
    """What was written."""

    ca_cert: Path
    ca_key: Path
    server_cert: Path
    server_key: Path
    names: list[str]
    new_ca: bool


def _subject_names(hosts: list[str]) -> list[x509.GeneralName]:
    names: list[x509.GeneralName] = []
    for host in dict.fromkeys([*hosts, *LOCAL_NAMES]):
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    return names


def _pem_key(key: ec.EllipticCurvePrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def _pem_cert(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def _new_ca(directory: Path, now: datetime) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Fleet MQTT private CA")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=CA_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    write_file(directory / CA_KEY, _pem_key(key), mode=SECRET_MODE)
    write_file(directory / CA_CERT, _pem_cert(cert), mode=PUBLIC_MODE)
    return cert, key


def _load_ca(directory: Path) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    cert = x509.load_pem_x509_certificate((directory / CA_CERT).read_bytes())
    key = serialization.load_pem_private_key((directory / CA_KEY).read_bytes(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ValueError(f"{directory / CA_KEY} is not an EC key written by fleet broker certs")
    return cert, key


def issue_certs(directory: Path, hosts: list[str], owner: FileOwner | None = None) -> IssuedCerts:
    """Write ca.crt/ca.key (kept if both exist) and server.crt/server.key for the hosts into
    the directory; the server key is given to `owner` (the broker's user). ValueError if a
    server certificate is there already or the CA is half there."""
    if not hosts:
        raise ValueError("name at least one host clients use to reach the broker (--host)")
    for path in (directory / SERVER_CERT, directory / SERVER_KEY):
        if path.exists():
            raise ValueError(f"{path} exists; to renew, delete server.crt and server.key first")
    ca_parts = [(directory / name).exists() for name in (CA_CERT, CA_KEY)]
    if any(ca_parts) and not all(ca_parts):
        raise ValueError(f"{directory} holds only one of {CA_CERT} and {CA_KEY}")
    now = datetime.now(timezone.utc)
    new_ca = not all(ca_parts)
    ca_cert, ca_key = _new_ca(directory, now) if new_ca else _load_ca(directory)
    key = ec.generate_private_key(ec.SECP256R1())
    names = _subject_names(hosts)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hosts[0])]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=SERVER_DAYS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    write_file(directory / SERVER_KEY, _pem_key(key), mode=SECRET_MODE, owner=owner)
    write_file(directory / SERVER_CERT, _pem_cert(cert), mode=PUBLIC_MODE)
    return IssuedCerts(
        ca_cert=directory / CA_CERT,
        ca_key=directory / CA_KEY,
        server_cert=directory / SERVER_CERT,
        server_key=directory / SERVER_KEY,
        names=[str(n.value) for n in names],
        new_ca=new_ca,
    )
