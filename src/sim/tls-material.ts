import { generate } from "selfsigned";

/** A certificate authority and a server certificate it signed for 127.0.0.1 and localhost. */
export interface TlsMaterial {
  /** The CA certificate, PEM; clients trust it (kubeconfig certificate-authority-data). */
  readonly caPem: string;
  readonly serverKeyPem: string;
  readonly serverCertPem: string;
}

let cached: Promise<TlsMaterial> | undefined;

async function create(): Promise<TlsMaterial> {
  const notBeforeDate = new Date(Date.now() - 24 * 60 * 60 * 1000);
  const notAfterDate = new Date(Date.now() + 365 * 24 * 60 * 60 * 1000);
  const ca = await generate([{ name: "commonName", value: "eks-node-drainer-sim-ca" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const server = await generate([{ name: "commonName", value: "kube-apiserver" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 2, value: "kubernetes.default.svc" },
          { type: 7, ip: "127.0.0.1" },
        ],
      },
    ],
  });
  return { caPem: ca.cert, serverKeyPem: server.private, serverCertPem: server.cert };
}

/** The TLS material of this process, generated once (EC P-256, about a year of validity). */
export function tlsMaterial(): Promise<TlsMaterial> {
  cached ??= create().catch((cause: unknown) => {
    cached = undefined;
    throw new Error("generating the simulated API server's certificates", { cause });
  });
  return cached;
}
