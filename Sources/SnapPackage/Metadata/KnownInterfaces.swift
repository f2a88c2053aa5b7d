/// The interface names snapd 2.57 knows; a plug or slot of any other interface is
/// dropped by sanitisation with `unknown interface "X"`.
///
/// The list follows the interfaces built into snapd 2.57 (its `interfaces/builtin`
/// package). An interface added to snapd later is unknown here, as it is to 2.57.
public enum KnownInterfaces {
    /// Every interface name.
    public static let names: Set<String> = [
        "account-control", "accounts-service", "adb-support", "allegro-vcu", "alsa", "appstream-metadata",
        "audio-playback", "audio-record", "auditd-support", "autopilot-introspection", "avahi-control",
        "avahi-observe", "block-devices", "bluetooth-control", "bluez", "bool-file", "broadcom-asic-control",
        "browser-support", "calendar-service", "camera", "can-bus", "checkbox-support", "cifs-mount",
        "classic-support", "contacts-service", "content", "core-support", "cpu-control", "cups", "cups-control",
        "custom-device", "daemon-notify", "dbus", "dcdbas-control", "desktop", "desktop-launch", "desktop-legacy",
        "device-buttons", "display-control", "dm-crypt", "docker", "docker-support", "dsp", "dvb",
        "firewall-control", "fpga", "framebuffer", "fuse-support", "fwupd", "gconf", "gpg-keys",
        "gpg-public-keys", "gpio", "gpio-control", "gpio-memory-control", "greengrass-support", "gsettings",
        "hardware-observe", "hardware-random-control", "hardware-random-observe", "hidraw", "home",
        "hostname-control", "hugepages-control", "i2c", "iio", "intel-mei", "io-ports-control",
        "ion-memory-control", "jack1", "joystick", "juju-client-observe", "kernel-crypto-api",
        "kernel-module-control", "kernel-module-load", "kernel-module-observe", "kubernetes-support", "kvm",
        "libvirt", "locale-control", "location-control", "location-observe", "log-observe",
        "login-session-control", "login-session-observe", "lxd", "lxd-support", "maliit", "media-control",
        "media-hub", "microceph", "microstack-support", "mir", "modem-manager", "mount-control", "mount-observe",
        "mpris", "multipass-support", "netlink-audit", "netlink-connector", "netlink-driver", "network",
        "network-bind", "network-control", "network-manager", "network-manager-observe", "network-observe",
        "network-setup-control", "network-setup-observe", "network-status", "nvidia-drivers-support", "ofono",
        "online-accounts-service", "opengl", "openvswitch", "openvswitch-support", "optical-drive",
        "packagekit-control", "password-manager-service", "pcscd", "personal-files", "physical-memory-control",
        "physical-memory-observe", "pkcs11", "polkit", "posix-mq", "power-control", "ppp", "process-control",
        "ptp", "pulseaudio", "qualcomm-ipc-router", "raw-input", "raw-usb", "raw-volume", "removable-media",
        "screen-inhibit-control", "screencast-legacy", "scsi-generic", "sd-control", "serial-port",
        "shared-memory", "shutdown", "snap-refresh-control", "snap-themes-control", "snapd-control", "spi",
        "ssh-keys", "ssh-public-keys", "steam-support", "storage-framework-service", "system-backup",
        "system-files", "system-observe", "system-packages-doc", "system-source-code", "system-trace",
        "thumbnailer-service", "time-control", "timeserver-control", "timezone-control", "tpm", "u2f-devices",
        "ubuntu-download-manager", "udisks2", "uhid", "uinput", "uio", "unity7", "unity8", "unity8-calendar",
        "unity8-contacts", "upower-observe", "vcio", "wayland", "x11", "xilinx-dma",
    ]
}
